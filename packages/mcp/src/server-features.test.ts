import { defineTool, ToolRegistry } from '@hearth/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type HttpMcpServer, serveHttp } from './http-server.js';
import type { McpResourceSource } from './server-features.js';

// The server's resources, prompts, completion and a tool's questions to its caller, through real SDK
// clients over Streamable HTTP: one that offers nothing, and one that offers elicitation and sampling.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A tool that asks its caller a question and a sampling request, saying what it could not ask. */
const interview = defineTool({
  name: 'interview',
  description: 'Asks the caller for a name, then its model for a greeting',
  input: z.object({}),
  async run(_input, { caller }) {
    if (!caller?.elicit) throw new Error('cannot ask for a name: the client offers no elicitation');
    const answer = await caller.elicit({
      message: 'Your name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
    if (answer.action !== 'accept') return `no name (${answer.action})`;
    if (!caller.sample) throw new Error('cannot write a greeting: the client offers no sampling');
    const reply = await caller.sample({
      messages: [{ role: 'user', text: `Greet ${String(answer.content?.name)}` }],
      maxTokens: 20,
    });
    return `${reply.text} [${reply.model}]`;
  },
});

/** Watched resources whose changes the test triggers itself. */
function watchedSource() {
  const watchers = new Map<string, () => void>();
  const source: McpResourceSource = {
    list: () => [{ uri: 'mem://a', name: 'a' }],
    async read(uri) {
      if (uri === 'mem://broken') throw new Error('the disk is on fire');
      return uri === 'mem://a' ? [{ uri, text: 'A' }] : undefined;
    },
    templates: [{ uriTemplate: 'mem://{key}', name: 'key' }],
    complete: (_template, _variable, value) =>
      Array.from({ length: 150 }, (_, i) => `k${i}`).filter((key) => key.startsWith(value)),
    async watch(uri, onChange) {
      if (!uri.startsWith('mem://')) return undefined;
      watchers.set(uri, onChange);
      return () => watchers.delete(uri);
    },
  };
  return { source, watchers };
}

async function start(resources: McpResourceSource[] = []): Promise<HttpMcpServer> {
  const server = await serveHttp(new ToolRegistry([interview]), {
    resources,
    prompts: [
      {
        name: 'greet',
        description: 'Greets someone',
        arguments: [{ name: 'who', required: true }],
        get: ({ who }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Hello ${who}` } }] }),
      },
    ],
  });
  cleanups.push(() => server.close());
  return server;
}

async function connect(server: HttpMcpServer, capabilities: ConstructorParameters<typeof Client>[1]) {
  const client = new Client({ name: 'test', version: '1' }, capabilities);
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  cleanups.push(() => client.close());
  return client;
}

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { text?: string }[]).map((item) => item.text ?? '').join('');

describe("a tool's questions to the client that called it", () => {
  it('a client that offers neither gets an error result at once, naming what is missing', async () => {
    const client = await connect(await start(), { capabilities: {} });
    const result = await client.callTool({ name: 'interview', arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('cannot ask for a name: the client offers no elicitation');
  });

  it('a client that offers both is asked on that call, and its model answers', async () => {
    const client = await connect(await start(), {
      capabilities: { elicitation: { form: {} }, sampling: {} },
    });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      expect(request.params.message).toBe('Your name?');
      return { action: 'accept', content: { name: 'Ada' } };
    });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
      role: 'assistant',
      content: {
        type: 'text',
        text: `Hi, ${JSON.stringify(request.params.messages).match(/Greet (\w+)/)?.[1]}!`,
      },
      model: 'client-model',
    }));
    const result = await client.callTool({ name: 'interview', arguments: {} });
    expect(text(result)).toBe('Hi, Ada! [client-model]');
  });

  it('a declined question ends the call with what the person chose', async () => {
    const client = await connect(await start(), { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }));
    expect(text(await client.callTool({ name: 'interview', arguments: {} }))).toBe('no name (decline)');
  });
});

describe('resources, prompts and completion', () => {
  it('reads, refuses with the source’s reason, and caps completion at 100 values', async () => {
    const client = await connect(await start([watchedSource().source]), { capabilities: {} });
    expect((await client.readResource({ uri: 'mem://a' })).contents).toEqual([{ uri: 'mem://a', text: 'A' }]);
    await expect(client.readResource({ uri: 'mem://broken' })).rejects.toThrow(
      /mem:\/\/broken cannot be read: the disk is on fire/,
    );
    await expect(client.readResource({ uri: 'nope://x' })).rejects.toThrow(
      /Unknown resource.*mem:\/\/\{key\}/,
    );
    const all = await client.complete({
      ref: { type: 'ref/resource', uri: 'mem://{key}' },
      argument: { name: 'key', value: 'k' },
    });
    expect(all.completion).toMatchObject({ total: 150, hasMore: true });
    expect(all.completion.values).toHaveLength(100);
    await expect(
      client.complete({
        ref: { type: 'ref/resource', uri: 'mem://{other}' },
        argument: { name: 'x', value: '' },
      }),
    ).rejects.toThrow(/Unknown resource template/);
    expect((await client.getPrompt({ name: 'greet', arguments: { who: 'you' } })).messages).toHaveLength(1);
    await expect(client.getPrompt({ name: 'greet' })).rejects.toThrow(/needs the argument who/);
  });

  it('sends updates for a subscribed resource until unsubscribed', async () => {
    const { source, watchers } = watchedSource();
    const client = await connect(await start([source]), { capabilities: {} });
    const updates: string[] = [];
    let notified: () => void = () => {};
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updates.push(notification.params.uri);
      notified();
    });
    await client.subscribeResource({ uri: 'mem://a' });
    const arrived = new Promise<void>((resolve) => {
      notified = resolve;
    });
    watchers.get('mem://a')?.();
    await arrived;
    expect(updates).toEqual(['mem://a']);
    await client.unsubscribeResource({ uri: 'mem://a' });
    expect(watchers.has('mem://a')).toBe(false);
    await expect(client.subscribeResource({ uri: 'other://x' })).rejects.toThrow(/cannot be watched/);
  });
});
