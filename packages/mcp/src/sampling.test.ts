import { ScriptedEngine } from '@hearth/core/testing';
import type { Engine, GenerateRequest, GenerateResult } from '@hearth/engine';
import { startTinyEngine } from '@hearth/model/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { McpClientConnection, type McpClientOptions } from './mcp-client.js';

// Someone else's MCP server (a stdio process written with the SDK alone) asks Hearth's client for
// text through sampling/createMessage; the client answers from a local engine, within its limits.

const fixture = new URL('./test-support/sampling-server.ts', import.meta.url).pathname;
const connections: McpClientConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
});

function connect(options: McpClientOptions): McpClientConnection {
  const connection = new McpClientConnection(
    { name: 'sampler', command: process.execPath, args: ['--import', 'tsx', fixture], timeoutMs: 60_000 },
    options,
  );
  connections.push(connection);
  return connection;
}

async function call(connection: McpClientConnection, name: string, args: Record<string, unknown>) {
  const result = await connection.callTool(name, args);
  const text = result.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
  return { isError: result.isError === true, text };
}

/** A sampling request as the fixture's raw_sample tool sends it. */
const raw = (params: Record<string, unknown>) => ({ params });
const hello = { role: 'user', content: { type: 'text', text: 'hello' } };

describe('McpClientConnection answers sampling/createMessage from a local engine', () => {
  it('sends the server its exact messages and system prompt, capped at maxTokens, and names the model', async () => {
    const engine = new ScriptedEngine([{ text: 'A short summary.' }]);
    const connection = connect({ sampling: { engine, maxTokens: 32 } });
    const answer = await call(connection, 'summarize', { text: 'Long text to summarize.', maxTokens: 5000 });
    expect(answer.isError, answer.text).toBe(false);
    expect(JSON.parse(answer.text)).toEqual({
      role: 'assistant',
      content: { type: 'text', text: 'A short summary.' },
      model: 'scripted',
      stopReason: 'endTurn',
    });
    expect(engine.requests).toHaveLength(1);
    expect(engine.requests[0]).toMatchObject({
      messages: [
        { role: 'system', content: 'You summarize text in one sentence.' },
        { role: 'user', content: [{ type: 'text', text: 'Long text to summarize.' }] },
      ],
      maxTokens: 32,
    });
  });

  it('is opt-in: without sampling the client does not offer it and the server is refused', async () => {
    const connection = connect({});
    const answer = await call(connection, 'summarize', { text: 'x' });
    expect(answer.isError).toBe(true);
    // The client declares no sampling capability and has no handler: the request is not answered.
    expect(answer.text).toMatch(/Method not found/);
  });

  it('refuses a bad request with what was wrong, and the next request is answered', async () => {
    const engine = new ScriptedEngine(() => ({ text: 'fine' }));
    const connection = connect({ sampling: { engine, maxPromptChars: 1000 } });
    const bad = [
      [raw({ messages: [], maxTokens: 10 }), /no messages/],
      [
        raw({
          messages: [{ role: 'user', content: { type: 'tool_result', toolUseId: 'x', content: [] } }],
          maxTokens: 10,
        }),
        /messages\[0\]\.content\[0\] is "tool_result" content/,
      ],
      [
        raw({
          messages: [{ role: 'user', content: { type: 'text', text: 'x'.repeat(5000) } }],
          maxTokens: 10,
        }),
        /5000 characters; this client takes at most 1000 \(sampling\.maxPromptChars\)/,
      ],
      [
        raw({ messages: [hello], maxTokens: 10, tools: [{ name: 't', inputSchema: { type: 'object' } }] }),
        /offers tools/,
      ],
      [raw({ messages: 'not a list', maxTokens: 10 }), /invalid/i],
    ] as const;
    for (const [args, why] of bad) {
      const answer = await call(connection, 'raw_sample', args);
      expect(answer.isError, answer.text).toBe(true);
      expect(answer.text).toMatch(why);
    }
    expect(engine.requests).toHaveLength(0);
    const good = await call(connection, 'raw_sample', raw({ messages: [hello], maxTokens: 10 }));
    expect(good.isError, good.text).toBe(false);
    expect(JSON.parse(good.text).content.text).toBe('fine');
  });

  it('answers at most maxRequests over the connection, then refuses naming the option', async () => {
    const engine = new ScriptedEngine(() => ({ text: 'ok' }));
    const connection = connect({ sampling: { engine, maxRequests: 2 } });
    for (let i = 0; i < 2; i++)
      expect((await call(connection, 'summarize', { text: 'x' })).isError).toBe(false);
    const third = await call(connection, 'summarize', { text: 'x' });
    expect(third.isError).toBe(true);
    expect(third.text).toMatch(/used its 2 sampling requests \(sampling\.maxRequests\)/);
    expect(engine.requests).toHaveLength(2);
  });

  it('answers one request at a time and refuses past maxQueued instead of piling up', async () => {
    let release: () => void = () => {};
    let entered: () => void = () => {};
    const inEngine = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const scripted = new ScriptedEngine(() => ({ text: 'done' }));
    const engine: Engine = {
      info: scripted.info,
      async generate(request: GenerateRequest): Promise<GenerateResult> {
        entered();
        await gate;
        return scripted.generate(request);
      },
      stream: (request) => scripted.stream(request),
      close: async () => {},
    };
    const connection = connect({ sampling: { engine, maxQueued: 1 } });
    const first = call(connection, 'summarize', { text: 'one' });
    await inEngine;
    const second = call(connection, 'summarize', { text: 'two' });
    const third = call(connection, 'summarize', { text: 'three' });
    // One of the two waiting requests is refused at once; the other waits its turn.
    const refused = await Promise.race([second, third]);
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/1 requests are already waiting for the model/);
    release();
    const answers = await Promise.all([first, second, third]);
    expect(answers.filter((answer) => answer.isError)).toHaveLength(1);
    expect(scripted.requests.map((request) => request.messages.at(-1)?.content)).toHaveLength(2);
  });
});

describe('sampling answered by the tiny Gemma 4 through the real stack', () => {
  let tiny: Engine | undefined;
  afterAll(async () => {
    await tiny?.close();
  });

  it('the fixture server gets the local model’s reply, never longer than the cap', async () => {
    tiny = await startTinyEngine();
    const results: GenerateResult[] = [];
    const engine: Engine = {
      info: tiny.info,
      async generate(request) {
        const result = await (tiny as Engine).generate(request);
        results.push(result);
        return result;
      },
      stream: (request) => (tiny as Engine).stream(request),
      close: async () => {},
    };
    const connection = connect({ sampling: { engine, maxTokens: 8 } });
    const answer = await call(connection, 'summarize', { text: 'The quick brown fox.', maxTokens: 4096 });
    expect(answer.isError, answer.text).toBe(false);
    const reply = JSON.parse(answer.text);
    expect(reply).toMatchObject({ role: 'assistant', content: { type: 'text' }, model: tiny.info.model });
    expect(reply.content.text).toBe(results[0]?.text);
    expect(results[0]?.usage.completionTokens).toBeLessThanOrEqual(8);
    expect(reply.stopReason).toBe(results[0]?.finishReason === 'length' ? 'maxTokens' : 'endTurn');
  });
});
