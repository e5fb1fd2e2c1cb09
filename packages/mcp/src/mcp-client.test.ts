import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defineTool,
  imageResult,
  ToolRegistry,
  ToolTimeoutError,
  toolResultToMessageContent,
  toolSpecFromDefinition,
} from '@hearth/core';
import { hangTool, pidTool, slowTool } from '@hearth/core/testing';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveHttp } from './http-server.js';
import { McpClientConnection } from './mcp-client.js';
import { hearthBin, requireBuiltCli } from './test-support/cli.js';

const toolsDir = new URL('./test-support/tools-dir', import.meta.url).pathname;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(requireBuiltCli);

describe('McpClientConnection over stdio (hearth mcp serve)', () => {
  it('lists and calls tools, sees progress, and reconnects after the server process dies', async () => {
    const connection = new McpClientConnection({
      name: 'local',
      command: process.execPath,
      args: [hearthBin, 'mcp', 'serve', '--no-browser', '--tools', toolsDir],
      toolPrefix: 'local_',
    });
    cleanups.push(() => connection.close());
    const { tools, warnings } = await connection.tools();
    expect(warnings).toEqual([]);
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['local_fs_read', 'local_calculator', 'local_clock', 'local_slow', 'local_pid']),
    );
    const registry = new ToolRegistry(tools);

    expect(
      (await registry.call('local_calculator', { expression: '2^10 - 24' })).structuredContent,
    ).toMatchObject({ result: 1000 });
    const progress: number[] = [];
    const slow = await registry.call('local_slow', { steps: 3 }, { onProgress: (p) => progress.push(p) });
    expect(slow.content).toEqual([{ type: 'text', text: 'counted to 3' }]);
    expect(progress).toEqual([1, 2, 3]);
    // Remote schemas become Engine tool specs like local ones.
    expect(toolSpecFromDefinition(registry.get('local_slow')).parameters).toMatchObject({
      properties: { steps: { type: 'integer' } },
    });

    const firstPid = (await registry.call('local_pid', {})).content[0];
    await connection.callTool('exit_process', {}).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    const secondPid = (await registry.call('local_pid', {})).content[0];
    expect(secondPid).toMatchObject({ type: 'text' });
    expect(secondPid).not.toEqual(firstPid);
  });
});

describe('McpClientConnection over HTTP', () => {
  it('reconnects after the HTTP server restarts on the same port', async () => {
    const registry = new ToolRegistry([pidTool, slowTool]);
    let server = await serveHttp(registry);
    const connection = new McpClientConnection({ name: 'remote', url: server.url });
    cleanups.push(() => connection.close());
    expect((await connection.callTool('slow', { steps: 1 })).content).toEqual([
      { type: 'text', text: 'counted to 1' },
    ]);
    await server.close();
    server = await serveHttp(registry, { port: server.port });
    const restarted = server;
    cleanups.push(() => restarted.close());
    expect((await connection.callTool('slow', { steps: 2 })).content).toEqual([
      { type: 'text', text: 'counted to 2' },
    ]);
  });

  it("decodes a remote tool's media into the same bytes and MIME type, ready for the model", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255]);
    const wav = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2]);
    const shot = defineTool({
      name: 'shot',
      description: 'Returns a screenshot and a binary audio resource',
      input: z.object({}),
      run: () => ({
        content: [
          ...imageResult(png, 'image/png').content,
          { type: 'resource', resource: { uri: 'file:///a.wav', mimeType: 'audio/wav', bytes: wav } },
        ],
      }),
    });
    const server = await serveHttp(new ToolRegistry([shot]));
    cleanups.push(() => server.close());
    const connection = new McpClientConnection({ name: 'remote', url: server.url });
    cleanups.push(() => connection.close());
    const result = await connection.callTool('shot', {});
    expect(result.content).toEqual([
      { type: 'image', bytes: png, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'file:///a.wav', mimeType: 'audio/wav', bytes: wav } },
    ]);
    expect(toolResultToMessageContent(result)).toEqual([
      { type: 'image', image: png, mimeType: 'image/png' },
      { type: 'audio', audio: wav, mimeType: 'audio/wav' },
    ]);
  });

  it('times out a hung call', async () => {
    const server = await serveHttp(new ToolRegistry([hangTool]));
    cleanups.push(() => server.close());
    const connection = new McpClientConnection({ name: 'slowpoke', url: server.url, timeoutMs: 300 });
    cleanups.push(() => connection.close());
    const error = await connection.callTool('hang', {}).catch((e: unknown) => e);
    expect(ToolTimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/did not answer tool "hang" within 300 ms/);
  });

  it('disables only the tools whose schemas are malformed, with a warning each', async () => {
    const http = createServer(async (req, res) => {
      const server = new Server({ name: 'sloppy', version: '1' }, { capabilities: { tools: {} } });
      server.setRequestHandler(ListToolsRequestSchema, async () => ({
        tools: [
          {
            name: 'good',
            description: 'ok',
            inputSchema: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] },
          },
          { name: 'untyped', description: 'no type', inputSchema: { properties: { n: { type: 'number' } } } },
          {
            name: 'typo',
            description: 'bad type',
            inputSchema: { type: 'object', properties: { x: { type: 'strin' } } },
          },
          { name: 'array', description: 'not an object', inputSchema: { type: 'array' } },
          {
            name: 'dangling',
            description: 'bad ref',
            inputSchema: { type: 'object', properties: { x: { $ref: '#/nope' } } },
          },
          { name: 'nothing', description: 'no schema' },
        ] as never,
      }));
      server.setRequestHandler(CallToolRequestSchema, async (request) => ({
        content: [{ type: 'text', text: `got ${JSON.stringify(request.params.arguments)}` }],
      }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(resolve));
    });
    const connection = new McpClientConnection({
      name: 'sloppy',
      url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    });
    cleanups.push(() => connection.close());
    const { tools, warnings } = await connection.tools();
    expect(tools.map((t) => t.name)).toEqual(['good', 'untyped']);
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).toMatch(/"typo" disabled: inputSchema cannot be compiled/);
    expect(warnings.join('\n')).toMatch(/"array" disabled: inputSchema.type is "array"/);
    expect(warnings.join('\n')).toMatch(/"dangling" disabled/);
    expect(warnings.join('\n')).toMatch(/"nothing" disabled: inputSchema is not a JSON object/);
    const registry = new ToolRegistry(tools);
    expect((await registry.call('good', { x: 'hi' })).content).toEqual([
      { type: 'text', text: 'got {"x":"hi"}' },
    ]);
    await expect(registry.call('good', { x: 1 })).rejects.toThrow(/Invalid arguments for tool "good": x/);
  });
});
