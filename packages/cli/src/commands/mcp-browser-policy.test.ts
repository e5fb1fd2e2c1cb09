import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpClientConnection } from '@hearth/mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHearthMcp } from './test-support/hearth-binary.js';

/** Two loopback services: one the user allows with --http-allow, one internal that nothing may reach. */
const hits = { allowed: [] as string[], internal: [] as string[] };
let allowed: Server;
let internal: Server;
const origin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
beforeAll(async () => {
  allowed = createServer((request, response) => {
    hits.allowed.push(request.url ?? '');
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<title>Allowed</title><body>allowed page</body>');
  });
  internal = createServer((request, response) => {
    hits.internal.push(request.url ?? '');
    response.end('<title>Internal</title><body>internal secret</body>');
  });
  for (const server of [allowed, internal])
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
const connections: McpClientConnection[] = [];
afterAll(async () => {
  for (const connection of connections) await connection.close();
  for (const server of [allowed, internal]) {
    server.closeAllConnections();
    server.close();
  }
});

/** A real MCP client talking to `hearth mcp serve` over stdio, started with `flags`. */
function serve(flags: string[]): McpClientConnection {
  const connection = connectHearthMcp(['--no-agents', ...flags], { timeoutMs: 120_000 });
  connections.push(connection);
  return connection;
}

describe('hearth mcp serve: the browser obeys the same host policy as http_fetch', () => {
  it('without --http-allow, browser_text refuses a loopback service', async () => {
    const connection = serve([]);
    const result = await connection.callTool('browser_text', { url: `${origin(internal)}/` });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/is a loopback address: refused/);
    expect(hits.internal).toEqual([]);
  });

  it('--http-allow limits the browser too: the allowed host loads, another loopback port is refused', async () => {
    const connection = serve(['--http-allow', new URL(origin(allowed)).host]);
    const page = await connection.callTool('browser_text', { url: `${origin(allowed)}/` });
    expect(page.isError, JSON.stringify(page.content)).not.toBe(true);
    expect(page.structuredContent).toMatchObject({ title: 'Allowed', text: 'allowed page' });
    for (const tool of ['browser_text', 'browser_screenshot', 'http_fetch']) {
      const refused = await connection.callTool(tool, { url: `${origin(internal)}/` });
      expect(refused.isError, tool).toBe(true);
      expect(JSON.stringify(refused.content), tool).toMatch(/not on the allow-list/);
    }
    expect(hits.allowed).toContain('/');
    expect(hits.internal).toEqual([]);
  });
});
