// The bench's I/O-bound run: `steps` steps, each waiting `stepMs` (a stand-in for a slow API or a
// model on another machine) without using the CPU, so workers, not cores, limit throughput.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

const steps = ['w1', 'w2', 'w3', 'w4'];

export default defineWorkflow({
  name: 'io-bound',
  description: 'four steps that wait on I/O',
  state: z.object({ stepMs: z.number(), done: z.number().default(0) }),
  nodes: Object.fromEntries(
    steps.map((step) => [
      step,
      {
        run: async (
          state: { stepMs: number; done: number },
          context: { signal: AbortSignal | undefined },
        ) => {
          await sleep(state.stepMs, undefined, context.signal ? { signal: context.signal } : {});
          return { done: state.done + 1 };
        },
      },
    ]),
  ),
  edges: [
    { from: START, to: 'w1' },
    ...steps.slice(1).map((step, index) => ({ from: steps[index] as string, to: step })),
    { from: 'w4', to: END },
  ],
});
