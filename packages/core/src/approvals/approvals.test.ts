import type { ApprovalRequest } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent } from '../agent/define-agent.js';
import { InvalidToolError } from '../errors/invalid-tool-error.js';
import { ScriptedEngine } from '../testing/scripted-engine.js';
import { defineTool } from '../tools/define-tool.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import { defineWorkflow, END, START } from '../workflow/define-workflow.js';
import type { Approver } from './approval-types.js';
import { approveAll, runWithApprovals } from './approver.js';
import { effectsNeedApproval, toolEffects, toolNeedsApproval } from './effects.js';

/** A workflow with two writes that pause for approval, recording which writes really ran. */
function twoWrites(written: string[]) {
  const write: ToolDefinition = {
    name: 'write_note',
    description: 'records a note',
    input: z.object({ note: z.string() }),
    effects: { writes: true },
    run: ({ note }: { note: string }) => {
      written.push(note);
      return 'written';
    },
  };
  return defineWorkflow({
    name: 'two-writes',
    description: 'writes a first and a second note',
    tools: [write],
    state: z.object({ first: z.string(), second: z.string(), results: z.array(z.string()).default([]) }),
    reducers: { results: (current, update) => [...current, ...update] },
    nodes: {
      one: {
        tool: 'write_note',
        args: (state) => ({ note: state.first }),
        output: (outcome) => ({ results: [outcome.text] }),
      },
      two: {
        tool: 'write_note',
        args: (state) => ({ note: state.second }),
        output: (outcome) => ({ results: [outcome.text] }),
      },
    },
    edges: [
      { from: START, to: 'one' },
      { from: 'one', to: 'two' },
      { from: 'two', to: END },
    ],
  });
}

/** An approver that answers from a function of the request and keeps every request it saw. */
function recordingApprover(answer: (request: ApprovalRequest) => boolean): Approver & {
  seen: ApprovalRequest[];
} {
  const seen: ApprovalRequest[] = [];
  return {
    seen,
    decide: async (request) => {
      seen.push(request);
      return { approve: answer(request) };
    },
  };
}

describe('runWithApprovals: pause -> ask -> decide -> resume', () => {
  it('asks once per paused call with its exact arguments, and runs only what was approved', async () => {
    const written: string[] = [];
    const approver = recordingApprover((request) => request.calls[0]?.args.note === 'keep');
    const result = await runWithApprovals(
      twoWrites(written),
      { first: 'drop', second: 'keep' },
      { approver, checkpointer: 'memory' },
    );
    expect(result.status).toBe('done');
    // The denial of the first write did not approve or skip the second: each call was asked on its own.
    expect(approver.seen.map((request) => request.calls.map((call) => call.args))).toEqual([
      [{ note: 'drop' }],
      [{ note: 'keep' }],
    ]);
    expect(written).toEqual(['keep']);
    expect(result.output?.results).toEqual(['Error: a human denied write_note', 'written']);
  });

  it('approveAll runs every paused call; a plain run stops at the first pause', async () => {
    const written: string[] = [];
    const target = twoWrites(written);
    const paused = await target.run({ first: 'a', second: 'b' }, { checkpointer: 'memory' });
    expect(paused.status).toBe('paused');
    expect(written).toEqual([]);
    const done = await runWithApprovals(
      target,
      { first: 'a', second: 'b' },
      { approver: approveAll, checkpointer: 'memory' },
    );
    expect(done.status).toBe('done');
    expect(written).toEqual(['a', 'b']);
  });

  it('a served run target asks its caller about pauses, and without an approver reports the pause', async () => {
    const written: string[] = [];
    const tool = twoWrites(written).asTool({ checkpointer: 'memory' });
    const context = { signal: new AbortController().signal, reportProgress: () => {} };
    const unasked = (await tool.run({ first: 'a', second: 'b' }, context)) as { isError?: boolean };
    expect(unasked.isError).toBe(true);
    expect(written).toEqual([]);
    const approver = recordingApprover(() => true);
    await tool.run({ first: 'c', second: 'd' }, { ...context, approver });
    expect(approver.seen).toHaveLength(2);
    expect(written).toEqual(['c', 'd']);
  });
});

describe('an agent whose tool declares only effects', () => {
  it('pauses before the call, and a denial (not a missing requiresApproval) keeps it from running', async () => {
    const written: string[] = [];
    const writer: ToolDefinition = {
      name: 'write_file',
      description: 'Writes a file',
      input: z.object({ path: z.string() }),
      effects: { writes: true },
      run: ({ path }: { path: string }) => {
        written.push(path);
        return `wrote ${path}`;
      },
    };
    const engine = () =>
      new ScriptedEngine((request) =>
        JSON.stringify(request.messages).includes('Result of write_file')
          ? { json: { action: 'final_answer', answer: 'finished' } }
          : { json: { action: 'call_tool', tool: 'write_file', args: { path: 'a.txt' } } },
      );
    const agent = defineAgent({ name: 'writer', instructions: 'Write.', tools: [writer] });
    expect(agent.effects.writes).toBe(true);
    const approver = recordingApprover(() => false);
    const result = await runWithApprovals(
      agent,
      { prompt: 'write a.txt' },
      { approver, engine: engine(), checkpointer: 'memory' },
    );
    expect(approver.seen[0]?.calls[0]).toMatchObject({ tool: 'write_file', args: { path: 'a.txt' } });
    expect(result.status).toBe('done');
    expect(written).toEqual([]);
  });
});

describe('effects', () => {
  const reader = defineTool({
    name: 'read_thing',
    description: 'reads',
    input: z.object({}),
    effects: { readsFiles: true },
    run: () => 'x',
  });
  const legacyWriter = defineTool({
    name: 'legacy_write',
    description: 'writes (declares only requiresApproval)',
    input: z.object({}),
    requiresApproval: true,
    run: () => 'x',
  });

  it('default from requiresApproval, and say when a tool declared nothing (so it is not called read-only)', () => {
    expect(toolEffects(legacyWriter)).toMatchObject({ writes: true, declared: false });
    expect(toolNeedsApproval(legacyWriter)).toBe(true);
    expect(toolEffects(reader)).toMatchObject({ readsFiles: true, writes: false, declared: true });
    expect(toolNeedsApproval(reader)).toBe(false);
    expect(() => defineTool({ ...reader, name: 'bad_effects', effects: { deletes: true } as never })).toThrow(
      InvalidToolError,
    );
  });

  it('a workflow carries the effects of its tools even where a node skips the pause (approval: false)', () => {
    const quiet = defineWorkflow({
      name: 'quiet-writer',
      description: 'writes without pausing',
      tools: (environment) => [{ ...legacyWriter, description: `writes under ${environment.workdir}` }],
      state: z.object({ done: z.string().default('') }),
      nodes: {
        write: { tool: 'legacy_write', approval: false, args: () => ({}), output: (o) => ({ done: o.text }) },
      },
      edges: [
        { from: START, to: 'write' },
        { from: 'write', to: END },
      ],
    });
    expect(quiet.effects).toMatchObject({ writes: true });
    expect(effectsNeedApproval(quiet.effects)).toBe(true);
    const served = quiet.asTool();
    expect(served.requiresApproval).toBe(true);

    // A workflow running an agent that only reads is read-only; one nesting the writer is not.
    const readingAgent = defineAgent({ name: 'reading-agent', instructions: 'read', tools: [reader] });
    const nests = (target: typeof quiet | typeof readingAgent) =>
      defineWorkflow({
        name: `nests-${target.name}`,
        description: 'runs a nested target',
        state: z.object({ prompt: z.string().default('') }),
        nodes: { inner: { target, input: () => ({}) as never, output: () => ({}) } },
        edges: [
          { from: START, to: 'inner' },
          { from: 'inner', to: END },
        ],
      });
    expect(nests(readingAgent).effects).toEqual({
      readsFiles: true,
      writes: false,
      runs: false,
      network: false,
    });
    expect(nests(quiet).effects.writes).toBe(true);
  });
});
