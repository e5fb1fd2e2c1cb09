import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { defineTool, ToolRegistry } from '@hearth/core';
import { slowTool } from '@hearth/core/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type HttpMcpServer, type HttpServeOptions, serveHttp } from './http-server.js';
import { rawMcpRequest } from './test-support/raw-request.js';

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
/** Resolvers of `holdCall` waiters, called in order as `hold` calls start. */
const holdStarts: (() => void)[] = [];
/** A tool call that stays in flight until the client hangs up. */
const holdTool = defineTool({
  name: 'hold',
  description: 'Runs until the call is cancelled',
  input: z.object({}),
  run: (_input, { signal }) =>
    new Promise((_, reject) => {
      holdStarts.shift()?.();
      signal.addEventListener('abort', () => reject(signal.reason));
    }),
});

async function start(options: HttpServeOptions = {}): Promise<HttpMcpServer> {
  const server = await serveHttp(new ToolRegistry([slowTool, holdTool]), { token, ...options });
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A raw request (Host can be forged; `from` is the loopback source address, another client per address). */
function send(
  server: HttpMcpServer,
  options: { body?: string; method?: string; headers?: Record<string, string>; from?: string } = {},
) {
  return rawMcpRequest<{ result?: { serverInfo?: unknown }; error?: { message: string } }>(
    `http://127.0.0.1:${server.port}/mcp`,
    {
      token,
      ...options,
      body: options.body ?? initialize,
      from: options.from ?? '127.0.0.1',
    },
  );
}

/** Lists tools in an existing session: 200 while the session lives, 404 once it is gone. */
function listTools(server: HttpMcpServer, session: string, from = '127.0.0.1') {
  return send(server, {
    from,
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    headers: { 'mcp-session-id': session, 'mcp-protocol-version': '2025-03-26' },
  });
}

/** Calls the `hold` tool in a session: `started` resolves once the tool runs, `cancel` hangs up. */
function holdCall(server: HttpMcpServer, session: string, from: string) {
  const started = new Promise<void>((resolve) => holdStarts.push(resolve));
  const request = httpRequest({
    host: '127.0.0.1',
    port: server.port,
    localAddress: from,
    path: '/mcp',
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
      'mcp-session-id': session,
      'mcp-protocol-version': '2025-03-26',
    },
  });
  request.on('error', () => {}); // cancel() hangs up on purpose
  request.end(
    JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'hold', arguments: {} } }),
  );
  return { started, cancel: () => request.destroy() };
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
  it('another client opening 100 sessions evicts no one: it only replaces its own', async () => {
    const server = await start({ maxSessionsPerClient: 8, maxSessions: 64 });
    const victim = await connectClient(server); // from 127.0.0.1
    expect((await victim.callTool({ name: 'slow', arguments: { steps: 1 } })).content).toBeDefined();
    const plain = (await send(server)).session as string; // a second victim session, nothing kept open
    const flood = [];
    for (let i = 0; i < 100; i++) flood.push(await send(server, { from: '127.0.0.2' }));
    expect(flood.every((reply) => reply.status === 200)).toBe(true);
    // The flood holds at most its share: its own oldest sessions made room for its newest.
    const alive = [];
    for (const reply of flood)
      alive.push((await listTools(server, reply.session as string, '127.0.0.2')).status === 200);
    expect(alive.filter(Boolean)).toHaveLength(8);
    expect(alive.slice(-8).every(Boolean)).toBe(true);
    expect((await victim.callTool({ name: 'slow', arguments: { steps: 2 } })).content).toEqual([
      { type: 'text', text: 'counted to 2' },
    ]);
    expect((await listTools(server, plain)).status).toBe(200);
    await victim.close();
  });

  it('a client whose sessions all have a call in flight gets 429 for one more, not an eviction', async () => {
    const server = await start({ maxSessionsPerClient: 2 });
    const from = '127.0.0.2';
    const sessions = [
      (await send(server, { from })).session,
      (await send(server, { from })).session,
    ] as string[];
    const calls = sessions.map((session) => holdCall(server, session, from));
    await Promise.all(calls.map((call) => call.started));
    const refused = await send(server, { from });
    expect(refused.status).toBe(429);
    expect(refused.message?.error?.message).toMatch(/Too many sessions/);
    for (const session of sessions) expect((await listTools(server, session, from)).status).toBe(200);
    // Once its call ends, that session is the one a new session of the same client replaces.
    calls[0]?.cancel();
    await waitUntil(async () => (await send(server, { from })).status === 200);
    expect((await listTools(server, sessions[0] as string, from)).status).toBe(404);
    expect((await listTools(server, sessions[1] as string, from)).status).toBe(200);
    calls[1]?.cancel();
  });

  it('when every session is taken by others and none is idle, a new client gets 503 and theirs keep working', async () => {
    const server = await start({ maxSessions: 4, maxSessionsPerClient: 100 });
    const sessions = [];
    for (let i = 0; i < 4; i++) sessions.push((await send(server, { from: '127.0.0.2' })).session as string);
    const refused = await send(server, { from: '127.0.0.3' });
    expect(refused.status).toBe(503);
    expect(refused.message?.error?.message).toMatch(/all 4 sessions are in use/);
    for (const session of sessions) expect((await listTools(server, session, '127.0.0.2')).status).toBe(200);
  });

  it('idle sessions expire (injected clock): their slots go to new clients and they answer 404', async () => {
    let clock = 1_000_000;
    const server = await start({
      maxSessions: 2,
      maxSessionsPerClient: 100,
      sessionIdleMs: 60_000,
      now: () => clock,
    });
    const idle = (await send(server, { from: '127.0.0.2' })).session as string;
    const busy = (await send(server, { from: '127.0.0.3' })).session as string;
    expect((await send(server, { from: '127.0.0.4' })).status).toBe(503);
    clock += 59_000;
    expect((await listTools(server, busy, '127.0.0.3')).status).toBe(200);
    clock += 2_000;
    // `idle` was last used 61 s ago, `busy` 2 s ago: only `idle` makes room.
    const fresh = await send(server, { from: '127.0.0.4' });
    expect(fresh.status).toBe(200);
    expect((await listTools(server, idle, '127.0.0.2')).status).toBe(404);
    expect((await listTools(server, busy, '127.0.0.3')).status).toBe(200);
    expect((await listTools(server, fresh.session as string, '127.0.0.4')).status).toBe(200);
  });
});

/** Retries `probe` until it holds (the server sees a closed socket a moment after the client closes it). */
async function waitUntil(probe: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never held');
}

describe('mcp serve: forged and stale session ids', () => {
  const forgedIds = [
    '00000000-0000-4000-8000-000000000000',
    randomUUID(),
    '../../etc/passwd',
    'x'.repeat(4096),
    "' OR 1=1 --",
  ];

  it('answers a made-up Mcp-Session-Id with 404 on every method, and it takes no session slot', async () => {
    const server = await start({ maxSessions: 1, maxSessionsPerClient: 1 });
    for (const forged of forgedIds) {
      const headers = { 'mcp-session-id': forged, 'mcp-protocol-version': '2025-03-26' };
      for (const reply of [
        await listTools(server, forged),
        // An initialize carrying a forged id does not adopt it as a new session.
        await send(server, { headers }),
        await send(server, { method: 'GET', headers, body: '' }),
        await send(server, { method: 'DELETE', headers, body: '' }),
      ]) {
        expect(reply.status, forged.slice(0, 40)).toBe(404);
        expect(reply.session).toBeUndefined();
        expect(reply.message?.error?.message).toMatch(/[Ss]ession/);
      }
    }
    // The only slot is still free: the forgeries created nothing.
    const real = await send(server);
    expect(real.status).toBe(200);
    expect((await listTools(server, real.session as string)).status).toBe(200);
  });

  it('a valid session id without the token, or with a wrong one, is 401 and the session is untouched', async () => {
    const server = await start();
    const session = (await send(server)).session as string;
    for (const authorization of ['', 'Bearer wrong-token-0123456789abcdef', `Basic ${token}`]) {
      const stolen = await send(server, {
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 3,
          method: 'tools/call',
          params: { name: 'slow', arguments: { steps: 1 } },
        }),
        headers: { authorization, 'mcp-session-id': session, 'mcp-protocol-version': '2025-03-26' },
      });
      expect(stolen.status).toBe(401);
      const closing = await send(server, {
        method: 'DELETE',
        body: '',
        headers: { authorization, 'mcp-session-id': session, 'mcp-protocol-version': '2025-03-26' },
      });
      expect(closing.status).toBe(401);
    }
    expect((await listTools(server, session)).status).toBe(200);
  });

  it('a session closed with DELETE answers 404 afterwards, on POST, GET and DELETE', async () => {
    const server = await start();
    const session = (await send(server)).session as string;
    const headers = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-03-26' };
    expect((await send(server, { method: 'DELETE', headers, body: '' })).status).toBe(200);
    expect((await listTools(server, session)).status).toBe(404);
    expect((await send(server, { method: 'GET', headers, body: '' })).status).toBe(404);
    expect((await send(server, { method: 'DELETE', headers, body: '' })).status).toBe(404);
    // A real client that closes its transport the same way cannot be resumed by its old id either.
    const client = await connectClient(server);
    const transport = client.transport as StreamableHTTPClientTransport;
    const clientSession = transport.sessionId as string;
    await transport.terminateSession();
    await client.close();
    expect((await listTools(server, clientSession)).status).toBe(404);
  });

  it('a session id from another server instance (same token) is 404 there', async () => {
    const first = await start();
    const second = await start();
    const session = (await send(first)).session as string;
    expect((await listTools(first, session)).status).toBe(200);
    const elsewhere = await listTools(second, session);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.message?.error?.message).toMatch(/initialize a new session/);
  });
});

describe('mcp serve: the default 1 MiB JSON-RPC body limit', () => {
  /** An initialize request padded to exactly `bytes` bytes. */
  function initializeOf(bytes: number): string {
    const padded = (pad: string) =>
      JSON.stringify({ ...JSON.parse(initialize), params: { ...JSON.parse(initialize).params, pad } });
    const body = padded('x'.repeat(bytes - padded('').length));
    expect(Buffer.byteLength(body)).toBe(bytes);
    return body;
  }

  it('answers a body of exactly 1 MiB and refuses one byte more with 413, then keeps serving', async () => {
    const server = await start();
    const atLimit = await send(server, { body: initializeOf(1024 * 1024) });
    expect(atLimit.status).toBe(200);
    const over = await send(server, { body: initializeOf(1024 * 1024 + 1) });
    expect(over.status).toBe(413);
    expect(over.message?.error?.message).toMatch(/1048576/);
    expect((await listTools(server, atLimit.session as string)).status).toBe(200);
  });
});
