/**
 * Child process for the kill-and-resume test: a five-step workflow whose tool appends the step's
 * name to a counter file (its counted side effect). Usage:
 *   counted-run.ts <checkpoints.sqlite> <counter-file> <thread-id> start|resume [block-at-step]
 * With block-at-step, that step writes `<counter>.started-<step>` and then hangs, so the parent can
 * SIGKILL the process while the step is in flight.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { defineWorkflow, END, START } from '../workflow/define-workflow.js';

const [store, counter, threadId, mode, blockAt] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
];
const steps = ['s1', 's2', 's3', 's4', 's5'];

const count = {
  name: 'count',
  description: 'Appends a step name to the counter file',
  input: z.object({ step: z.string() }),
  run: async ({ step }: { step: string }) => {
    if (step === blockAt) {
      writeFileSync(`${counter}.started-${step}`, '');
      await new Promise(() => {});
    }
    appendFileSync(counter, `${step}\n`);
    return `counted ${step}`;
  },
};

const workflow = defineWorkflow({
  name: 'counted',
  description: 'five counted steps',
  tools: [count],
  state: z.object({ done: z.array(z.string()).default([]) }),
  reducers: { done: (current, update) => [...current, ...update] },
  nodes: Object.fromEntries(
    steps.map((step) => [step, { tool: 'count', args: () => ({ step }), output: () => ({ done: [step] }) }]),
  ),
  edges: [
    { from: START, to: 's1' },
    ...steps.slice(1).map((step, i) => ({ from: steps[i] as string, to: step })),
    { from: 's5', to: END },
  ],
});

const result =
  mode === 'start'
    ? await workflow.run({}, { threadId, checkpointer: store })
    : await workflow.resume(threadId, undefined, { checkpointer: store });
process.stdout.write(
  `${JSON.stringify({ status: result.status, output: result.output, ran: result.steps.map((s) => s.node) })}\n`,
);
