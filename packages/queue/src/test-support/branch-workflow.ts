/**
 * Fan-out fixtures: `wide` fans out one `branch` workflow per item (a target node, so a worker with
 * `fanOutChildren` runs each as a child run). Each branch makes one counted call (a line `<item>
 * <idempotency key>` in the `counter` file), writes `<counter>.in-<item>`, waits until `together`
 * branches have started (so that many run at once: with one run per worker, on that many workers),
 * holds `holdMs`, and returns its item upper-cased. The item `boom` fails its branch.
 */
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineTool, defineWorkflow, END, fanOut, START } from '@hearth/core';
import { z } from 'zod';

const count = defineTool({
  name: 'count',
  description: 'Appends an item and its idempotency key to the counter file',
  input: z.object({ counter: z.string(), item: z.string() }),
  run: ({ counter, item }, context) => {
    appendFileSync(counter, `${item} ${context.idempotencyKey}\n`);
    return `counted ${item}`;
  },
});

const branchInput = z.object({
  item: z.string(),
  counter: z.string(),
  holdMs: z.number(),
  together: z.number().default(0),
});

/** How many branches counting into `counter` have started (each wrote `<counter>.in-<item>`). */
const branchesStarted = (counter: string) =>
  readdirSync(dirname(counter)).filter((name) => name.startsWith(`${basename(counter)}.in-`)).length;

export const branch = defineWorkflow({
  name: 'branch',
  description: 'one counted, held step for one item',
  tools: [count],
  state: branchInput.extend({ upper: z.string().default('') }),
  nodes: {
    work: {
      run: async (state, context) => {
        if (state.item === 'boom') throw new Error(`branch ${state.item} exploded`);
        await context.callTool('count', { counter: state.counter, item: state.item });
        writeFileSync(`${state.counter}.in-${state.item}`, '');
        while (branchesStarted(state.counter) < state.together)
          await sleep(50, undefined, context.signal ? { signal: context.signal } : {});
        if (state.holdMs > 0)
          await sleep(state.holdMs, undefined, context.signal ? { signal: context.signal } : {});
        return { upper: state.item.toUpperCase() };
      },
    },
  },
  edges: [
    { from: START, to: 'work' },
    { from: 'work', to: END },
  ],
  output: (state) => ({ item: state.item, upper: state.upper }),
});

export default defineWorkflow({
  name: 'wide',
  description: 'runs one branch per item, in parallel, and gathers their results in item order',
  state: z.object({
    items: z.array(z.string()),
    counter: z.string(),
    holdMs: z.number().default(0),
    together: z.number().default(0),
    item: z.string().default(''),
    results: z.array(z.object({ item: z.string(), upper: z.string() })).default([]),
  }),
  reducers: {
    results: (current: { item: string; upper: string }[], update: { item: string; upper: string }[]) =>
      [...current, ...update].sort((a, b) => a.item.localeCompare(b.item)),
  },
  nodes: {
    plan: { run: () => ({}) },
    each: {
      target: branch,
      input: (state) => ({
        item: state.item,
        counter: state.counter,
        holdMs: state.holdMs,
        together: state.together,
      }),
      output: (result) => ({ results: [result] }),
    },
    gather: { run: () => ({}) },
  },
  edges: [
    { from: START, to: 'plan' },
    {
      from: 'plan',
      route: (state) =>
        state.items.map((item) =>
          fanOut('each', { item, counter: state.counter, holdMs: state.holdMs, together: state.together }),
        ),
      targets: ['each'],
    },
    { from: 'each', to: 'gather' },
    { from: 'gather', to: END },
  ],
  output: (state) => ({ results: state.results }),
});
