// A workflow for the `hearth run` kill-and-resume test: three steps, each appending its name to
// counter.txt in the workdir (the counted side effect). With HEARTH_TEST_BLOCK_AT=<step>, that step
// writes counter.txt.started-<step> and hangs, so the test can SIGKILL the process mid-step.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

const steps = ['s1', 's2', 's3'];

export default defineWorkflow({
  name: 'counted',
  description: 'three counted steps',
  model: 'tiny',
  tools: (environment) => [
    {
      name: 'count',
      description: 'Appends a step name to counter.txt',
      input: z.object({ step: z.string() }),
      run: async ({ step }: { step: string }) => {
        const counter = join(environment.workdir, 'counter.txt');
        if (step === process.env.HEARTH_TEST_BLOCK_AT) {
          writeFileSync(`${counter}.started-${step}`, '');
          await new Promise(() => {});
        }
        appendFileSync(counter, `${step}\n`);
        return `counted ${step}`;
      },
    },
  ],
  state: z.object({ done: z.array(z.string()).default([]) }),
  reducers: { done: (current, update) => [...current, ...update] },
  nodes: Object.fromEntries(
    steps.map((step) => [step, { tool: 'count', args: () => ({ step }), output: () => ({ done: [step] }) }]),
  ),
  edges: [
    { from: START, to: 's1' },
    { from: 's1', to: 's2' },
    { from: 's2', to: 's3' },
    { from: 's3', to: END },
  ],
});
