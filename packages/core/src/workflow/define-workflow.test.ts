import type { RunEvent } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent } from '../agent/define-agent.js';
import { WorkflowDefinitionError } from '../errors/workflow-definition-error.js';
import { generateObject } from '../generate-object.js';
import { ScriptedEngine } from '../testing/scripted-engine.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import { defineWorkflow, END, fanOut, START } from './define-workflow.js';

const append = <T>(current: T[], update: T[]) => [...current, ...update];

describe('defineWorkflow', () => {
  it('runs a typed state through conditional edges and a cycle', async () => {
    const counter = defineWorkflow({
      name: 'counter',
      description: 'counts to a limit',
      state: z.object({
        limit: z.number().int().positive(),
        count: z.number().default(0),
        trail: z.array(z.string()).default([]),
      }),
      reducers: { trail: append },
      nodes: {
        increment: { run: (s) => ({ count: s.count + 1, trail: [`inc${s.count + 1}`] }) },
        finish: { run: () => ({ trail: ['done'] }) },
      },
      edges: [
        { from: START, to: 'increment' },
        {
          from: 'increment',
          route: (s) => (s.count < s.limit ? 'increment' : 'finish'),
          targets: ['increment', 'finish'],
        },
        { from: 'finish', to: END },
      ],
    });
    const result = await counter.run({ limit: 3 }, { checkpointer: 'memory' });
    expect(result.output).toMatchObject({ count: 3, trail: ['inc1', 'inc2', 'inc3', 'done'] });
    expect(result.steps.map((s) => s.node)).toEqual(['increment', 'increment', 'increment', 'finish']);
    await expect(counter.run({ limit: -1 } as never, { checkpointer: 'memory' })).rejects.toThrow(
      /invalid input for workflow "counter": limit: Too small/,
    );
  });

  it('fans out in parallel (static and mapped) and joins with a reducer', async () => {
    const active = { now: 0, max: 0 };
    const slowSquare = async (n: number) => {
      active.now++;
      active.max = Math.max(active.max, active.now);
      await new Promise((resolve) => setTimeout(resolve, 30));
      active.now--;
      return n * n;
    };
    const wf = defineWorkflow({
      name: 'squares',
      description: 'squares numbers in parallel',
      state: z.object({
        numbers: z.array(z.number()),
        squares: z.array(z.number()).default([]),
        n: z.number().optional(),
        leftSide: z.string().optional(),
        rightSide: z.string().optional(),
        total: z.number().optional(),
      }),
      reducers: { squares: append },
      nodes: {
        split: { run: () => ({}) },
        left: { run: () => ({ leftSide: 'L' }) },
        right: { run: () => ({ rightSide: 'R' }) },
        square: { run: async (s) => ({ squares: [await slowSquare(s.n ?? 0)] }) },
        sum: { run: (s) => ({ total: s.squares.reduce((a, b) => a + b, 0) }) },
      },
      edges: [
        { from: START, to: ['left', 'right'] },
        { from: 'left', to: 'split' },
        { from: 'right', to: 'split' },
        { from: 'split', route: (s) => s.numbers.map((n) => fanOut('square', { n })), targets: ['square'] },
        { from: 'square', to: 'sum' },
        { from: 'sum', to: END },
      ],
    });
    const result = await wf.run({ numbers: [1, 2, 3, 4] }, { checkpointer: 'memory' });
    expect(result.output?.total).toBe(30);
    expect(result.output).toMatchObject({ leftSide: 'L', rightSide: 'R' });
    expect(active.max).toBe(4);
    expect(result.steps.filter((s) => s.node === 'sum')).toHaveLength(1);
  });

  it('retries a failing node and enforces a node timeout', async () => {
    let attempts = 0;
    const flaky = defineWorkflow({
      name: 'flaky',
      description: 'fails twice then works',
      state: z.object({ value: z.string().default('') }),
      nodes: {
        work: {
          retry: { maxAttempts: 3, initialIntervalMs: 1 },
          run: () => {
            attempts++;
            if (attempts < 3) throw new Error(`attempt ${attempts} failed`);
            return { value: `ok after ${attempts}` };
          },
        },
      },
      edges: [
        { from: START, to: 'work' },
        { from: 'work', to: END },
      ],
    });
    expect((await flaky.run({}, { checkpointer: 'memory' })).output?.value).toBe('ok after 3');

    const hung = defineWorkflow({
      name: 'hung',
      description: 'never finishes',
      state: z.object({ value: z.string().default('') }),
      nodes: {
        wait: {
          timeoutMs: 50,
          run: (_s, ctx) =>
            new Promise((_r, reject) =>
              ctx.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
            ),
        },
      },
      edges: [
        { from: START, to: 'wait' },
        { from: 'wait', to: END },
      ],
    });
    await expect(hung.run({}, { checkpointer: 'memory' })).rejects.toThrow(/timed out|timeout/i);
  });

  it('runs agents and other workflows as subgraph nodes, tool nodes, and streams their events', async () => {
    const shout: ToolDefinition = {
      name: 'shout',
      description: 'Upper-cases text',
      input: z.object({ text: z.string() }),
      run: ({ text }: { text: string }) => text.toUpperCase(),
    };
    const inner = defineWorkflow({
      name: 'inner',
      description: 'adds an exclamation mark',
      state: z.object({ text: z.string() }),
      nodes: { exclaim: { run: (s) => ({ text: `${s.text}!` }) } },
      edges: [
        { from: START, to: 'exclaim' },
        { from: 'exclaim', to: END },
      ],
    });
    const agent = defineAgent({ name: 'namer', instructions: 'Name things.', tools: [shout] });
    const outer = defineWorkflow({
      name: 'outer',
      description: 'agent, then tool, then subgraph',
      tools: [shout],
      state: z.object({ topic: z.string(), name: z.string().default(''), loud: z.string().default('') }),
      nodes: {
        think: {
          target: agent,
          input: (s) => ({ prompt: `Name ${s.topic}` }),
          output: (result) => ({ name: result.answer ?? '' }),
        },
        amplify: {
          tool: 'shout',
          args: (s) => ({ text: s.name }),
          output: (outcome) => ({ loud: outcome.text }),
        },
        punctuate: {
          target: inner,
          input: (s) => ({ text: s.loud }),
          output: (result) => ({ loud: result.text }),
        },
      },
      edges: [
        { from: START, to: 'think' },
        { from: 'think', to: 'amplify' },
        { from: 'amplify', to: 'punctuate' },
        { from: 'punctuate', to: END },
      ],
    });
    const engine = new ScriptedEngine([
      { json: { action: 'call_tool', tool: 'shout', args: { text: 'hi' } } },
      { json: { action: 'final_answer', answer: 'hearth' } },
    ]);
    const events: RunEvent[] = [];
    const result = await outer.run(
      { topic: 'a fire' },
      { engine, checkpointer: 'memory', onEvent: (e) => events.push(e) },
    );
    expect(result.output?.loud).toBe('HEARTH!');
    const starts = events.filter((e) => e.type === 'node-start').map((e) => [...e.path, e.node].join('/'));
    expect(starts).toEqual([
      'think',
      'think/model',
      'think/tools',
      'think/model',
      'amplify',
      'punctuate',
      'punctuate/exclaim',
    ]);
    const toolEvents = events.filter((e) => e.type === 'tool-result');
    expect(toolEvents.map((e) => e.type === 'tool-result' && [e.tool, e.summary])).toEqual([
      ['shout', 'HI'],
      ['shout', 'HEARTH'],
    ]);
    const tokens = events.filter((e) => e.type === 'token');
    expect(tokens.every((e) => e.path.join('/') === 'think' && e.source === 'namer')).toBe(true);
    expect(tokens.map((e) => e.type === 'token' && e.text).join('')).toContain('"answer":"hearth"');
  });

  it("a function node's generateObject streams token events through ctx.onToken", async () => {
    const workflow = defineWorkflow({
      name: 'titler',
      description: 'Names a title.',
      state: z.object({ title: z.string().default('') }),
      nodes: {
        name: {
          run: async (_state, ctx) => {
            const { object } = await generateObject({
              engine: ctx.engine(),
              schema: z.object({ title: z.string() }),
              prompt: 'A title.',
              onToken: ctx.onToken,
            });
            return { title: object.title };
          },
        },
      },
      edges: [
        { from: START, to: 'name' },
        { from: 'name', to: END },
      ],
    });
    const events: RunEvent[] = [];
    const result = await workflow.run(
      {},
      {
        engine: new ScriptedEngine([{ json: { title: 'Embers' } }]),
        checkpointer: 'memory',
        onEvent: (e) => events.push(e),
      },
    );
    expect(result.output).toMatchObject({ title: 'Embers' });
    const tokens = events.flatMap((e) => (e.type === 'token' ? [e] : []));
    expect(tokens.map((e) => e.text)).toEqual(['{"title":', '"Embers"}']);
    // From the workflow's own top-level node: its name as the source, an empty path.
    expect(tokens.map((e) => [e.source, e.path])).toEqual([
      ['titler', []],
      ['titler', []],
    ]);
  });

  it('refuses definitions with edges to unknown nodes', () => {
    const define = () =>
      defineWorkflow({
        name: 'broken',
        description: 'x',
        state: z.object({}),
        nodes: { a: { run: () => ({}) } },
        edges: [
          { from: START, to: 'a' },
          // A JavaScript caller (or a cast) gets past the types; the definition check still refuses it.
          { from: 'a', to: 'b' as 'a' },
        ],
      });
    expect(define).toThrow(WorkflowDefinitionError);
    expect(define).toThrow(/names node "b", which is not defined; nodes: a/);
  });

  it('makes and checks its tools once per run, and names the workflow when two share a name', async () => {
    const echo = (name: string): ToolDefinition => ({
      name,
      description: 'Echoes its text',
      input: z.object({ text: z.string() }),
      run: ({ text }: { text: string }) => text,
    });
    let toolSetsMade = 0;
    const twice = defineWorkflow({
      name: 'twice',
      description: 'calls a tool from two nodes',
      tools: () => {
        toolSetsMade++;
        return [echo('echo')];
      },
      state: z.object({ said: z.array(z.string()).default([]) }),
      reducers: { said: append },
      nodes: {
        first: { run: async (_s, ctx) => ({ said: [(await ctx.callTool('echo', { text: 'a' })).text] }) },
        second: { run: async (_s, ctx) => ({ said: [(await ctx.callTool('echo', { text: 'b' })).text] }) },
      },
      edges: [
        { from: START, to: 'first' },
        { from: 'first', to: 'second' },
        { from: 'second', to: END },
      ],
    });
    expect((await twice.run({}, { checkpointer: 'memory' })).output?.said).toEqual(['a', 'b']);
    await twice.run({}, { checkpointer: 'memory' });
    expect(toolSetsMade).toBe(2);

    const clash = defineWorkflow({
      name: 'clash',
      description: 'two tools with one name',
      tools: [echo('echo'), echo('echo')],
      state: z.object({ said: z.string().default('') }),
      nodes: {
        say: { run: async (_s, ctx) => ({ said: (await ctx.callTool('echo', { text: 'a' })).text }) },
      },
      edges: [
        { from: START, to: 'say' },
        { from: 'say', to: END },
      ],
    });
    const error = await clash.run({}, { checkpointer: 'memory' }).catch((e: unknown) => e);
    expect(WorkflowDefinitionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^workflow "clash": .*"echo"/);
  });
});
