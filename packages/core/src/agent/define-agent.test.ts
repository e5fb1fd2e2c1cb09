import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunInputError } from '../errors/run-input-error.js';
import { ScriptedEngine } from '../testing/scripted-engine.js';
import { imageResult } from '../tools/define-tool.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import { defineAgent } from './define-agent.js';

const checkpointer = () => join(mkdtempSync(join(tmpdir(), 'hearth-agent-')), 'checkpoints.sqlite');

function adder(calls: number[]): ToolDefinition {
  return {
    name: 'add',
    description: 'Adds two numbers',
    input: z.object({ a: z.number(), b: z.number() }),
    run: ({ a, b }: { a: number; b: number }) => {
      calls.push(a + b);
      return String(a + b);
    },
  };
}

describe('defineAgent, constrained mode (scripted model)', () => {
  it('decodes each step under the tool/final union, runs the tool and returns the final answer', async () => {
    const calls: number[] = [];
    const engine = new ScriptedEngine([
      { json: { action: 'call_tool', tool: 'add', args: { a: 2, b: 3 } } },
      { json: { action: 'final_answer', answer: 'five' } },
    ]);
    const agent = defineAgent({ name: 'math', instructions: 'Do math.', tools: [adder(calls)] });
    const events: RunEvent[] = [];
    const result = await agent.run(
      { prompt: 'What is 2+3?' },
      { engine, checkpointer: 'memory', onEvent: (e) => events.push(e) },
    );
    expect(result.status).toBe('done');
    expect(result.output?.answer).toBe('five');
    expect(result.output?.stopReason).toBe('final');
    expect(calls).toEqual([5]);
    // Every step was constrained by a schema that names the tool and its argument types.
    const schema = engine.requests[0]?.responseFormat?.schema as {
      anyOf: Array<{ properties: Record<string, unknown> }>;
    };
    expect(schema.anyOf).toHaveLength(2);
    expect(schema.anyOf[0]?.properties.tool).toMatchObject({ const: 'add' });
    expect(JSON.stringify(schema.anyOf[0]?.properties.args)).toContain('"number"');
    // The second request saw the tool's result.
    expect(JSON.stringify(engine.requests[1]?.messages)).toContain('Result of add');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['tool-call', 'tool-result', 'token', 'agent-step']),
    );
  });

  it('feeds tool errors, invalid arguments and unparsable replies back to the model', async () => {
    const failing: ToolDefinition = {
      name: 'lookup',
      description: 'Looks something up',
      input: z.object({ key: z.string() }),
      run: () => {
        throw new Error('database offline');
      },
    };
    const engine = new ScriptedEngine([
      { json: { action: 'call_tool', tool: 'lookup', args: { key: 'x' } } },
      { json: { action: 'call_tool', tool: 'lookup', args: { key: 7 } } },
      { text: '{"action": "final_ans' },
      { json: { action: 'final_answer', answer: 'gave up' } },
    ]);
    const agent = defineAgent({ name: 'looker', instructions: 'Look up.', tools: [failing] });
    const result = await agent.run({ prompt: 'find x' }, { engine, checkpointer: 'memory' });
    expect(result.output?.answer).toBe('gave up');
    expect(result.output?.toolCalls.map((c) => [c.isError, c.result])).toEqual([
      [true, 'The tool failed:\ndatabase offline'],
      [true, expect.stringContaining('Invalid arguments for tool "lookup": key:')],
    ]);
    expect(JSON.stringify(engine.requests[3]?.messages)).toContain('not complete JSON');
  });

  it('cancels a tool that runs past its time limit and tells the model', async () => {
    const slow: ToolDefinition = {
      name: 'slow',
      description: 'Never finishes',
      input: z.object({}),
      run: (_input, { signal }) =>
        new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    };
    const engine = new ScriptedEngine([
      { json: { action: 'call_tool', tool: 'slow', args: {} } },
      { json: { action: 'final_answer', answer: 'it timed out' } },
    ]);
    const agent = defineAgent({ name: 'waiter', instructions: 'Wait.', tools: [slow], toolTimeoutMs: 50 });
    const result = await agent.run({ prompt: 'wait' }, { engine, checkpointer: 'memory' });
    expect(result.output?.toolCalls[0]?.result).toMatch(/Tool "slow" did not finish within 50 ms/);
  });

  it('stops after maxSteps with one forced final turn decoded under the final-answer schema only', async () => {
    const calls: number[] = [];
    const engine = new ScriptedEngine((request, index) =>
      index < 2
        ? { json: { action: 'call_tool', tool: 'add', args: { a: index, b: 1 } } }
        : { json: { action: 'final_answer', answer: `stopped after ${request.messages.length} messages` } },
    );
    const agent = defineAgent({ name: 'loop', instructions: 'Loop.', tools: [adder(calls)], maxSteps: 2 });
    const result = await agent.run({ prompt: 'go' }, { engine, checkpointer: 'memory' });
    expect(result.output?.stopReason).toBe('max-steps');
    expect(result.output?.steps).toBe(3);
    expect(calls).toEqual([1, 2]);
    expect(JSON.stringify(engine.requests[2]?.responseFormat?.schema)).not.toContain('call_tool');
    expect(result.output?.answer).toMatch(/^stopped after/);
  });

  it('returns a typed answer checked against the output schema', async () => {
    const engine = new ScriptedEngine([
      { json: { action: 'final_answer', answer: { severity: 'urgent' } } },
      { json: { action: 'final_answer', answer: { severity: 'high' } } },
    ]);
    const agent = defineAgent({
      name: 'typed',
      instructions: 'Classify.',
      output: z.object({ severity: z.enum(['low', 'high']) }),
    });
    const result = await agent.run({ prompt: 'classify' }, { engine, checkpointer: 'memory' });
    expect(result.output?.answer).toEqual({ severity: 'high' });
    expect(JSON.stringify(engine.requests[1]?.messages)).toContain('does not match its schema');
  });
});

describe('defineAgent, native mode (scripted model)', () => {
  it('passes tool specs, runs parallel tool calls and sends results as tool messages', async () => {
    const calls: number[] = [];
    const engine = new ScriptedEngine([
      {
        toolCalls: [
          { name: 'add', args: { a: 1, b: 1 } },
          { name: 'add', args: { a: 2, b: 2 } },
        ],
      },
      { text: 'two and four' },
    ]);
    const agent = defineAgent({
      name: 'native',
      instructions: 'Add.',
      tools: [adder(calls)],
      mode: 'native',
    });
    const result = await agent.run({ prompt: 'add' }, { engine, checkpointer: 'memory' });
    expect(result.output?.answer).toBe('two and four');
    expect(calls.sort()).toEqual([2, 4]);
    expect(engine.requests[0]?.tools?.[0]?.name).toBe('add');
    const toolMessages = engine.requests[1]?.messages.filter((m) => m.role === 'tool');
    expect(toolMessages?.map((m) => m.role === 'tool' && m.toolCallId)).toEqual(['call_0_0', 'call_0_1']);
  });

  it('reports an unknown tool name back to the model instead of failing', async () => {
    const engine = new ScriptedEngine([{ toolCalls: [{ name: 'nope', args: {} }] }, { text: 'ok' }]);
    const agent = defineAgent({ name: 'n2', instructions: 'x', tools: [adder([])], mode: 'native' });
    const result = await agent.run({ prompt: 'go' }, { engine, checkpointer: 'memory' });
    expect(result.output?.toolCalls[0]?.result).toContain('Unknown tool "nope". Known tools: add');
  });
});

describe('tool media through a checkpoint', () => {
  it('keeps a tool screenshot as bytes + MIME type across a pause and resume (SQLite)', async () => {
    // A Buffer on purpose: Node's own byte type, which LangGraph's serializer would otherwise mangle.
    const screenshot = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 255]);
    const look: ToolDefinition = {
      name: 'look',
      description: 'Screenshots the page',
      input: z.object({}),
      run: () => imageResult(screenshot, 'image/png', 'the page'),
    };
    const confirm: ToolDefinition = {
      name: 'confirm',
      description: 'Confirms what was seen',
      input: z.object({}),
      requiresApproval: true,
      run: () => 'confirmed',
    };
    const script = () =>
      new ScriptedEngine((request) => {
        const toolsSeen = request.messages.flatMap((m) => (m.role === 'tool' ? [m.name] : []));
        if (toolsSeen.length === 0) return { toolCalls: [{ name: 'look', args: {} }] };
        if (toolsSeen.length === 1) return { toolCalls: [{ name: 'confirm', args: {} }] };
        return { text: 'seen and confirmed' };
      });
    const store = checkpointer();
    const agent = defineAgent({
      name: 'viewer',
      instructions: 'Look.',
      tools: [look, confirm],
      mode: 'native',
    });
    const paused = await agent.run({ prompt: 'look' }, { engine: script(), checkpointer: store });
    expect(paused.status).toBe('paused');

    const engine = script();
    const resumed = await agent.resume(paused.threadId, { approve: true }, { engine, checkpointer: store });
    expect(resumed.output?.answer).toBe('seen and confirmed');
    const lookMessage = engine.requests[0]?.messages.find((m) => m.role === 'tool' && m.name === 'look');
    const image = Array.isArray(lookMessage?.content)
      ? lookMessage.content.find((part) => part.type === 'image')
      : undefined;
    expect(image?.image).toBeInstanceOf(Uint8Array);
    expect(image).toEqual({ type: 'image', image: new Uint8Array(screenshot), mimeType: 'image/png' });
    const observation = resumed.output?.observations[0];
    expect(observation?.bytes).toBeInstanceOf(Uint8Array);
    expect(observation).toEqual({
      kind: 'image',
      mimeType: 'image/png',
      bytes: new Uint8Array(screenshot),
      name: 'look',
    });
  });
});

describe('approval', () => {
  const writes: string[] = [];
  const writer: ToolDefinition = {
    name: 'write_file',
    description: 'Writes a file',
    input: z.object({ path: z.string() }),
    requiresApproval: true,
    run: ({ path }: { path: string }) => {
      writes.push(path);
      return `wrote ${path}`;
    },
  };
  const script = () =>
    new ScriptedEngine((request) =>
      request.messages.some(
        (m) => m.role === 'user' && JSON.stringify(m.content).includes('Result of write_file'),
      )
        ? { json: { action: 'final_answer', answer: 'finished' } }
        : { json: { action: 'call_tool', tool: 'write_file', args: { path: 'a.txt' } } },
    );

  it('pauses before a tool that requires approval and runs it after --approve', async () => {
    writes.length = 0;
    const store = checkpointer();
    const agent = defineAgent({ name: 'writer', instructions: 'Write.', tools: [writer] });
    const paused = await agent.run({ prompt: 'write a.txt' }, { engine: script(), checkpointer: store });
    expect(paused.status).toBe('paused');
    expect(paused.pendingApprovals[0]?.calls[0]).toMatchObject({
      tool: 'write_file',
      args: { path: 'a.txt' },
    });
    expect(writes).toEqual([]);
    const resumed = await agent.resume(
      paused.threadId,
      { approve: true },
      { engine: script(), checkpointer: store },
    );
    expect(resumed.status).toBe('done');
    expect(writes).toEqual(['a.txt']);
    expect(resumed.output?.toolCalls[0]).toMatchObject({ isError: false, result: 'wrote a.txt' });
  });

  it('does not run a denied call and tells the model it was denied', async () => {
    writes.length = 0;
    const store = checkpointer();
    const agent = defineAgent({ name: 'writer', instructions: 'Write.', tools: [writer] });
    const paused = await agent.run({ prompt: 'write' }, { engine: script(), checkpointer: store });
    const resumed = await agent.resume(
      paused.threadId,
      { approve: false },
      { engine: script(), checkpointer: store },
    );
    expect(writes).toEqual([]);
    expect(resumed.output?.toolCalls[0]).toMatchObject({ denied: true, isError: true });
  });

  it('as a tool (what MCP serves): returns the output, or an error result naming the paused thread', async () => {
    const store = checkpointer();
    const agent = defineAgent({ name: 'writer', instructions: 'Write.', tools: [writer] });
    const tool = agent.asTool({ engine: script(), checkpointer: store });
    const context = { signal: new AbortController().signal, reportProgress: () => {} };
    const paused = (await tool.run({ prompt: 'write' }, context)) as {
      isError: boolean;
      content: Array<{ text: string }>;
    };
    expect(paused.isError).toBe(true);
    expect(paused.content[0]?.text).toMatch(
      /^paused: write_file\(.*\) need approval; run `hearth run --resume [\w-]+ --approve`/,
    );
    const answering = defineAgent({ name: 'answerer', instructions: 'Answer.' });
    const answer = answering.asTool({
      engine: new ScriptedEngine([{ json: { action: 'final_answer', answer: 'hi' } }]),
      checkpointer: 'memory',
    });
    expect(await answer.run({ prompt: 'hello' }, context)).toMatchObject({
      structuredContent: { answer: 'hi', stopReason: 'final' },
    });
  });

  it('gives clear errors for unknown threads and decisions nobody asked for', async () => {
    const store = checkpointer();
    const agent = defineAgent({ name: 'writer', instructions: 'Write.', tools: [writer] });
    await expect(agent.resume('no-such-thread', { approve: true }, { checkpointer: store })).rejects.toThrow(
      /no run of "writer" with thread id "no-such-thread"/,
    );
    const paused = await agent.run({ prompt: 'write' }, { engine: script(), checkpointer: store });
    await expect(
      agent.run({ prompt: 'again' }, { engine: script(), checkpointer: store, threadId: paused.threadId }),
    ).rejects.toThrow(/already has a run; continue it with resume/);
    const error = await agent
      .resume(paused.threadId, undefined, { engine: script(), checkpointer: store })
      .catch((e) => e);
    expect(RunInputError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/waiting for approval of write_file/);
  });
});
