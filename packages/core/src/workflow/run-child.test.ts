import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChildRunRequest } from '../runtime.js';
import { defineWorkflow, END, fanOut, START } from './define-workflow.js';

const double = defineWorkflow({
  name: 'double',
  description: 'doubles a number',
  state: z.object({ n: z.number(), doubled: z.number().default(0) }),
  nodes: { twice: { run: (state) => ({ doubled: state.n * 2 }) } },
  edges: [
    { from: START, to: 'twice' },
    { from: 'twice', to: END },
  ],
});

const wide = defineWorkflow({
  name: 'wide',
  description: 'doubles each item in a fan-out branch, then once more on an ordinary edge',
  state: z.object({
    items: z.array(z.number()),
    n: z.number().default(0),
    results: z.array(z.number()).default([]),
  }),
  reducers: {
    results: (current: number[], update: number[]) => [...current, ...update].sort((a, b) => a - b),
  },
  nodes: {
    start: { run: () => ({}) },
    each: {
      target: double,
      input: (state) => ({ n: state.n }),
      output: (out) => ({ results: [out.doubled] }),
    },
    last: {
      target: double,
      input: (state) => ({ n: state.results.length }),
      output: (out) => ({ n: out.doubled }),
    },
  },
  edges: [
    { from: START, to: 'start' },
    { from: 'start', route: (state) => state.items.map((n) => fanOut('each', { n })), targets: ['each'] },
    { from: 'each', to: 'last' },
    { from: 'last', to: END },
  ],
});

describe('RunOptions.runChild', () => {
  it('gets each fanOut branch of a target node (not the ordinary edge), with stable keys; the output is the in-process one', async () => {
    const local = await wide.run({ items: [1, 2, 3] }, { checkpointer: 'memory' });
    const requests: ChildRunRequest[] = [];
    const viaChildren = await wide.run(
      { items: [1, 2, 3] },
      {
        checkpointer: 'memory',
        runChild: async (request) => {
          requests.push(request);
          // What a child run of `double` returns (a run started inside a node would join this run's graph context).
          const { n } = request.input as { n: number };
          return { n, doubled: n * 2 };
        },
      },
    );
    expect(viaChildren.output).toEqual(local.output);
    expect(local.output).toMatchObject({ results: [2, 4, 6], n: 6 });
    expect(requests.map((request) => request.nodePath)).toEqual([['each'], ['each'], ['each']]);
    expect(requests.map((request) => request.branchKey).sort()).toEqual(['each@2.0', 'each@2.1', 'each@2.2']);
    expect(requests.map((request) => request.input)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("fails the branch with the child's error", async () => {
    const failing = wide.run(
      { items: [1] },
      { checkpointer: 'memory', runChild: () => Promise.reject(new Error('child exploded')) },
    );
    await expect(failing).rejects.toThrow('child exploded');
  });

  it('finds nested targets by node path, and nothing for a node that runs no target', () => {
    expect(wide.nestedTarget(['each'])).toBe(double);
    expect(wide.nestedTarget(['start'])).toBeUndefined();
    expect(wide.nestedTarget(['each', 'twice'])).toBeUndefined();
  });
});
