// A workflow for the `hearth dev` kill-and-resume test: three steps, each appending its name to
// counter.txt in the workdir. Step s2 waits while the file `hold` exists there, so the test can kill
// the run mid-step, remove the file, and resume it.
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

export default defineWorkflow({
  name: 'held',
  description: 'three counted steps; the second waits while a file named hold exists',
  model: 'tiny',
  tools: (environment) => [
    {
      name: 'count',
      description: 'Appends a step name to counter.txt (s2 first waits while hold exists)',
      input: z.object({ step: z.string() }),
      run: async ({ step }: { step: string }) => {
        while (step === 's2' && existsSync(join(environment.workdir, 'hold')))
          await new Promise((resolve) => setTimeout(resolve, 100));
        appendFileSync(join(environment.workdir, 'counter.txt'), `${step}\n`);
        return `counted ${step}`;
      },
    },
  ],
  state: z.object({ done: z.array(z.string()).default([]) }),
  reducers: { done: (current, update) => [...current, ...update] },
  nodes: {
    s1: { tool: 'count', args: () => ({ step: 's1' }), output: () => ({ done: ['s1'] }) },
    s2: { tool: 'count', args: () => ({ step: 's2' }), output: () => ({ done: ['s2'] }) },
    s3: { tool: 'count', args: () => ({ step: 's3' }), output: () => ({ done: ['s3'] }) },
  },
  edges: [
    { from: START, to: 's1' },
    { from: 's1', to: 's2' },
    { from: 's2', to: 's3' },
    { from: 's3', to: END },
  ],
});
