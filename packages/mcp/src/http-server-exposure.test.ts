import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { ToolRegistry } from '@hearth/core';
import { slowTool } from '@hearth/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpMcpServer, type HttpServeOptions, serveHttp } from './http-server.js';

// Attacks on `hearth mcp serve --http` as a network client would send them. Every request goes to
// 127.0.0.1; the network address 192.0.2.2 (TEST-NET-1) only ever appears in a forged Host header.

const token = 'exposure-token-0123456789abcdef';
const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const servers: HttpMcpServer[] = [];

async function start(options: HttpServeOptions = {}): Promise<HttpMcpServer> {
  const server = await serveHttp(new ToolRegistry([slowTool]), { token, ...options });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A raw request to 127.0.0.1 (node:http, so Host can be forged); returns status, session id and message. */
function send(
  server: HttpMcpServer,
  options: { body?: string; method?: string; headers?: Record<string, string> } = {},
) {
  return new Promise<{
    status: number;
    session: string | undefined;
    message: { result?: { serverInfo?: unknown }; error?: { message: string } } | undefined;
  }>((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/mcp',
        method: options.method ?? 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          const data = text.startsWith('{') ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? '');
          const session = response.headers['mcp-session-id'];
          resolve({
            status: response.statusCode ?? 0,
            session: Array.isArray(session) ? session[0] : session,
            message: data ? JSON.parse(data) : undefined,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body ?? initialize);
  });
}

/** Lists tools in an existing session: 200 while the session lives, 404 once it is gone. */
function listTools(server: HttpMcpServer, session: string) {
  return send(server, {
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    headers: { 'mcp-session-id': session, 'mcp-protocol-version': '2025-03-26' },
  });
}

async function connectClient(server: HttpMcpServer): Promise<Client> {
  const client = new Client({ name: 'victim', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe('mcp serve over the network: --allowed-host', () => {
  it('refuses a forged network Host with the right token, naming --allowed-host', async () => {
    const server = await start();
    const reply = await send(server, { headers: { host: `192.0.2.2:${server.port}` } });
    expect(reply.status).toBe(403);
    expect(reply.message?.error?.message).toMatch(/--allowed-host 192\.0\.2\.2/);
  });

  it('answers a client that reaches it as 192.0.2.2 once that host is allowed (token still required)', async () => {
    const server = await start({ allowedHosts: ['192.0.2.2'] });
    const host = `192.0.2.2:${server.port}`;
    const reply = await send(server, { headers: { host } });
    expect(reply.status).toBe(200);
    expect(reply.message?.result?.serverInfo).toBeDefined();
    const wrongToken = await send(server, {
      headers: { host, authorization: 'Bearer wrong-token-0123456789' },
    });
    expect(wrongToken.status).toBe(401);
    // An allowed host does not open the door to other names (DNS rebinding stays refused).
    expect((await send(server, { headers: { host: `rebind.evil.example:${server.port}` } })).status).toBe(
      403,
    );
  });

  it('bound to 0.0.0.0 accepts each of its own interface addresses but not a foreign address or name', async () => {
    const server = await start({ host: '0.0.0.0' });
    const own = Object.values(networkInterfaces())
      .flat()
      .filter((entry) => entry?.family === 'IPv4')
      .map((entry) => entry?.address as string);
    for (const address of own)
      expect((await send(server, { headers: { host: `${address}:${server.port}` } })).status).toBe(200);
    for (const foreign of ['198.51.100.7', 'rebind.evil.example'])
      expect((await send(server, { headers: { host: `${foreign}:${server.port}` } })).status).toBe(403);
  });
});

describe('mcp serve: browser-shaped requests', () => {
  it('refuses text/plain bodies (a cross-site form or fetch needs no preflight for them) with 415', async () => {
    const server = await start();
    const reply = await send(server, { headers: { 'content-type': 'text/plain' } });
    expect(reply.status).toBe(415);
    expect(reply.message?.error?.message).toMatch(/application\/json/);
  });

  it('refuses a foreign Origin even with the right token and host', async () => {
    const server = await start({ allowedHosts: ['192.0.2.2'] });
    const reply = await send(server, {
      headers: { host: `192.0.2.2:${server.port}`, origin: 'https://evil.example' },
    });
    expect(reply.status).toBe(403);
    expect(reply.message?.error?.message).toMatch(/--allowed-origin/);
  });

  it('refuses a token shorter than 16 characters, saying why', async () => {
    await expect(serveHttp(new ToolRegistry(), { token: 'x' })).rejects.toThrow(
      /1 characters long; use at least 16.*guessed/,
    );
  });
});

describe('mcp serve: session flooding', () => {
  it('a client that opens 100 sessions is refused past its share (429) and evicts no one', async () => {
    const server = await start({ maxSessionsPerClient: 8, maxSessions: 64 });
    const victim = await connectClient(server);
    expect((await victim.callTool({ name: 'slow', arguments: { steps: 1 } })).content).toBeDefined();
    const replies = [];
    for (let i = 0; i < 100; i++) replies.push(await send(server));
    const refused = replies.filter((reply) => reply.status === 429);
    // The victim's session counts for its address too (both are 127.0.0.1 here): 7 more are admitted.
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(7);
    expect(refused).toHaveLength(93);
    expect(refused[0]?.message?.error?.message).toMatch(/Too many sessions/);
    expect((await victim.callTool({ name: 'slow', arguments: { steps: 2 } })).content).toEqual([
      { type: 'text', text: 'counted to 2' },
    ]);
    await victim.close();
  });

  it('when every session is taken and none is idle, a new one gets 503 and the old ones keep working', async () => {
    const server = await start({ maxSessions: 4, maxSessionsPerClient: 100 });
    const sessions = [];
    for (let i = 0; i < 4; i++) sessions.push((await send(server)).session as string);
    const refused = await send(server);
    expect(refused.status).toBe(503);
    expect(refused.message?.error?.message).toMatch(/all 4 sessions are in use/);
    for (const session of sessions) expect((await listTools(server, session)).status).toBe(200);
  });

  it('idle sessions expire (injected clock): their slots go to new clients and they answer 404', async () => {
    let clock = 1_000_000;
    const server = await start({
      maxSessions: 2,
      maxSessionsPerClient: 100,
      sessionIdleMs: 60_000,
      now: () => clock,
    });
    const idle = (await send(server)).session as string;
    const busy = (await send(server)).session as string;
    expect((await send(server)).status).toBe(503);
    clock += 59_000;
    expect((await listTools(server, busy)).status).toBe(200);
    clock += 2_000;
    // `idle` was last used 61 s ago, `busy` 2 s ago: only `idle` makes room.
    const fresh = await send(server);
    expect(fresh.status).toBe(200);
    expect((await listTools(server, idle)).status).toBe(404);
    expect((await listTools(server, busy)).status).toBe(200);
    expect((await listTools(server, fresh.session as string)).status).toBe(200);
  });
});
