// A workflow for the queue's chaos test: four steps, each charging once through the `charge` tool.
// The tool logs every raw call, and applies its effect (one line in effects.log) only once per
// idempotency key, as the queue's docs ask of a tool with side effects. Each step holds for `holdMs`
// after the call, so kills often land after a call was made but before its step was checkpointed:
// the effect ledger must answer those calls again, not the tool. While a gate file
// `<dir>/gates/<run>` exists, the run's steps also wait after their call, so the test can kill a
// worker in that window for certain.

import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineTool, defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

const charge = defineTool({
  name: 'charge',
  description: 'Charges one step of a run: an effect applied once per idempotency key',
  input: z.object({ dir: z.string(), run: z.string(), step: z.string() }),
  run: ({ dir, run, step }, context) => {
    appendFileSync(join(dir, 'raw-calls.log'), `${run} ${step}\n`);
    const key = context.idempotencyKey ?? `${run}/${step}/no-key`;
    mkdirSync(join(dir, 'keys'), { recursive: true });
    try {
      // Exclusive create: the key's effect is applied by whichever call gets here first.
      writeFileSync(join(dir, 'keys', createHash('sha256').update(key).digest('hex')), key, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return `already charged ${step}`;
      throw error;
    }
    appendFileSync(join(dir, 'effects.log'), `${run} ${step}\n`);
    return `charged ${step}`;
  },
});

export const effectSteps = ['p1', 'p2', 'p3', 'p4'];

export default defineWorkflow({
  name: 'effects',
  description: 'four charged steps',
  tools: [charge],
  state: z.object({
    dir: z.string(),
    run: z.string(),
    holdMs: z.number().default(0),
    done: z.array(z.string()).default([]),
  }),
  reducers: { done: (current: string[], update: string[]) => [...current, ...update] },
  nodes: Object.fromEntries(
    effectSteps.map((step) => [
      step,
      {
        run: async (
          state: { dir: string; run: string; holdMs: number },
          context: {
            callTool: (name: string, args: unknown) => Promise<unknown>;
            signal: AbortSignal | undefined;
          },
        ) => {
          await context.callTool('charge', { dir: state.dir, run: state.run, step });
          while (existsSync(join(state.dir, 'gates', state.run)))
            await sleep(50, undefined, context.signal ? { signal: context.signal } : {});
          if (state.holdMs > 0)
            await sleep(state.holdMs, undefined, context.signal ? { signal: context.signal } : {});
          return { done: [step] };
        },
      },
    ]),
  ),
  edges: [
    { from: START, to: 'p1' },
    ...effectSteps.slice(1).map((step, index) => ({ from: effectSteps[index] as string, to: step })),
    { from: 'p4', to: END },
  ],
});
