import { audioResult, defineTool, imageResult, ToolRegistry } from '@hearth/core';
import { hangTool, slowTool } from '@hearth/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpServerConfigError } from './errors/http-server-config-error.js';
import { type HttpMcpServer, serveHttp } from './http-server.js';
import { rawMcpRequest } from './test-support/raw-request.js';

const token = 'test-token-0123456789abcdef';
let server: HttpMcpServer;

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255]);
const wav = Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ');
const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0xff]);
/** Returns an image, audio and a binary resource, each as bytes + MIME type. */
const mediaTool = defineTool({
  name: 'media',
  description: 'Returns media',
  input: z.object({}),
  run: () => ({
    content: [
      ...imageResult(png, 'image/png', 'a screenshot').content,
      ...audioResult(wav, 'audio/wav').content,
      { type: 'resource', resource: { uri: 'file:///report.pdf', mimeType: 'application/pdf', bytes: pdf } },
    ],
  }),
});

async function connectClient(
  url: string,
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
) {
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** A raw POST (the Host header can be forged); returns status, headers and the JSON-RPC message. */
const post = (body: string, headers: Record<string, string> = {}) =>
  rawMcpRequest(server.url, { token, body, headers });

beforeAll(async () => {
  server = await serveHttp(new ToolRegistry([slowTool, hangTool, mediaTool]), {
    token,
    maxBodyBytes: 64 * 1024,
  });
});
afterAll(async () => {
  await server.close();
});

describe('serveHttp', () => {
  it('binds 127.0.0.1 by default and refuses a non-loopback host without a token', async () => {
    expect(server.host).toBe('127.0.0.1');
    await expect(serveHttp(new ToolRegistry(), { host: '0.0.0.0' })).rejects.toSatisfy((error) =>
      HttpServerConfigError.isInstance(error),
    );
    await expect(serveHttp(new ToolRegistry(), { host: '0.0.0.0' })).rejects.toThrow(/without a token/);
  });

  it('serves tools to a real MCP client with progress notifications', async () => {
    const client = await connectClient(server.url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['slow', 'hang', 'media']);
    const progress: number[] = [];
    const result = await client.callTool({ name: 'slow', arguments: { steps: 4 } }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(result.content).toEqual([{ type: 'text', text: 'counted to 4' }]);
    // The SDK client can drop the last notification when it arrives in one chunk with the response
    // (its handler is removed first; McpClientConnection avoids this), so count at least the first three.
    expect(progress.slice(0, 3)).toEqual([1, 2, 3]);
    await expect(client.callTool({ name: 'missing', arguments: {} })).rejects.toThrow(
      /Unknown tool "missing"/,
    );
    await client.close();
  });

  it("sends a tool's media as base64 that a real MCP client decodes to the same bytes", async () => {
    const client = await connectClient(server.url);
    const result = await client.callTool({ name: 'media', arguments: {} }, CallToolResultSchema);
    expect(result.content).toEqual([
      { type: 'image', data: expect.any(String), mimeType: 'image/png' },
      { type: 'text', text: 'a screenshot' },
      { type: 'audio', data: expect.any(String), mimeType: 'audio/wav' },
      {
        type: 'resource',
        resource: { uri: 'file:///report.pdf', mimeType: 'application/pdf', blob: expect.any(String) },
      },
    ]);
    const [image, , audio, resource] = result.content as [
      { data: string },
      unknown,
      { data: string },
      { resource: { blob: string } },
    ];
    expect(new Uint8Array(Buffer.from(image.data, 'base64'))).toEqual(png);
    expect(Buffer.from(audio.data, 'base64')).toEqual(wav);
    expect(new Uint8Array(Buffer.from(resource.resource.blob, 'base64'))).toEqual(pdf);
    await client.close();
  });

  it('aborts the tool when the client cancels the request', async () => {
    const client = await connectClient(server.url);
    const before = hangTool.aborts ?? 0;
    const controller = new AbortController();
    const call = client.callTool({ name: 'hang', arguments: {} }, CallToolResultSchema, {
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort('stop');
    await expect(call).rejects.toThrow();
    await expect.poll(() => hangTool.aborts).toBe(before + 1);
    await client.close();
  });

  it('refuses unauthenticated, wrong-token, wrong-Host and foreign-Origin requests', async () => {
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    expect((await post(init, { authorization: 'none' })).status).toBe(401);
    expect((await post(init, { authorization: 'Bearer wrong-token-0123456789abc' })).status).toBe(401);
    expect((await post(init, { authorization: `Basic ${token}` })).status).toBe(401);
    const rebinding = await post(init, { host: 'evil.example:80' });
    expect(rebinding.status).toBe(403);
    expect(rebinding.message).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect((await post(init, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(init, { origin: 'http://localhost:5173' })).status).toBe(200);
    await expect(connectClient(server.url, {})).rejects.toThrow();
  });

  it('limits the body size', async () => {
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { pad: 'x'.repeat(100 * 1024) },
    });
    const response = await post(big);
    expect(response.status).toBe(413);
    expect(response.message).toMatchObject({ error: { code: -32600 } });
  });

  it('answers 1,000 malformed or random JSON-RPC messages with errors and keeps serving', async () => {
    const initialized = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'fuzz', version: '1' },
        },
      }),
    );
    const session = initialized.headers['mcp-session-id'] as string;
    expect(session).toBeTruthy();
    await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), {
      'mcp-session-id': session,
    });

    // Deterministic pseudo-random generator so a failure reproduces.
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
    const randomValue = (depth = 0): unknown =>
      pick<() => unknown>([
        () => Math.floor(random() * 1e6) - 5e5,
        () => random().toString(36),
        () => null,
        () => random() > 0.5,
        () =>
          depth > 2 ? [] : Array.from({ length: Math.floor(random() * 3) }, () => randomValue(depth + 1)),
        () => (depth > 2 ? {} : { [random().toString(36).slice(2, 6)]: randomValue(depth + 1) }),
      ])();
    const generators: (() => string)[] = [
      () =>
        `${random()
          .toString(36)
          .repeat(Math.floor(random() * 5))}{`, // not JSON
      () => `{"jsonrpc":"2.0","id":${Math.floor(random() * 1000)},"method":`, // truncated
      () => JSON.stringify(randomValue()), // any JSON value
      () => JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'tools/list' }), // wrong version
      () => JSON.stringify({ jsonrpc: '2.0', id: 1 }), // no method
      () => JSON.stringify({ jsonrpc: '2.0', id: { nested: true }, method: 'tools/list' }), // bad id type
      () => JSON.stringify({ jsonrpc: '2.0', id: 7, method: `x/${random().toString(36).slice(2)}` }), // unknown method
      () => JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: randomValue() }), // bad params
      () =>
        JSON.stringify({
          jsonrpc: '2.0',
          id: 9,
          method: 'tools/call',
          params: { name: 'slow', arguments: { steps: 'many' } },
        }),
      () =>
        JSON.stringify({
          jsonrpc: '2.0',
          id: 10,
          method: 'tools/call',
          params: { name: random().toString(36) },
        }),
      () => JSON.stringify([]), // empty batch
    ];
    const tally = { total: 0, errors: 0, statuses: new Map<number, number>() };
    for (let i = 0; i < 1000; i++) {
      const body = (generators[i % generators.length] as () => string)();
      const response = await post(body, { 'mcp-session-id': session });
      tally.total++;
      tally.statuses.set(response.status, (tally.statuses.get(response.status) ?? 0) + 1);
      const isError =
        response.status >= 400 || (response.message !== undefined && 'error' in response.message);
      const isToolError =
        response.message && (response.message.result as { isError?: boolean } | undefined)?.isError === true;
      if (isError || isToolError) tally.errors++;
      else
        throw new Error(
          `message ${i} got no error: ${body} -> ${response.status} ${JSON.stringify(response.message)}`,
        );
    }
    console.log(
      `fuzz: ${tally.errors}/${tally.total} errors; HTTP statuses ${JSON.stringify([...tally.statuses])}`,
    );
    expect(tally.errors).toBe(1000);
    // Still serving: the same session and a new client both work.
    const ping = await post(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }), {
      'mcp-session-id': session,
    });
    expect(ping.message).toEqual({ jsonrpc: '2.0', id: 99, result: {} });
    const client = await connectClient(server.url);
    expect((await client.listTools()).tools).toHaveLength(3);
    await client.close();
  });
});
