/**
 * A queued-run fixture: `steps` function nodes, each calling the `count` tool (its counted side
 * effect: one line `<step> <idempotency key>` appended to the `counter` file) and then holding for
 * `holdMs` after writing `<counter>.in-<step>`, so a test can SIGKILL the worker after the call was
 * recorded in the ledger but before the step was checkpointed.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineTool, defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

const count = defineTool({
  name: 'count',
  description: 'Appends a step name and its idempotency key to the counter file',
  input: z.object({ counter: z.string(), step: z.string() }),
  run: ({ counter, step }, context) => {
    appendFileSync(counter, `${step} ${context.idempotencyKey}\n`);
    return `counted ${step}`;
  },
});

const stepNames = ['s1', 's2', 's3', 's4'];

export default defineWorkflow({
  name: 'counted',
  description: 'four counted steps',
  tools: [count],
  state: z.object({
    counter: z.string(),
    holdMs: z.number().default(0),
    done: z.array(z.string()).default([]),
  }),
  reducers: { done: (current: string[], update: string[]) => [...current, ...update] },
  nodes: Object.fromEntries(
    stepNames.map((step) => [
      step,
      {
        run: async (
          state: { counter: string; holdMs: number },
          context: {
            callTool: (name: string, args: unknown) => Promise<unknown>;
            signal: AbortSignal | undefined;
          },
        ) => {
          await context.callTool('count', { counter: state.counter, step });
          writeFileSync(`${state.counter}.in-${step}`, '');
          if (state.holdMs > 0)
            await sleep(state.holdMs, undefined, context.signal ? { signal: context.signal } : {});
          return { done: [step] };
        },
      },
    ]),
  ),
  edges: [
    { from: START, to: 's1' },
    ...stepNames.slice(1).map((step, index) => ({ from: stepNames[index] as string, to: step })),
    { from: 's4', to: END },
  ],
});
