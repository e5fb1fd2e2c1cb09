import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ToolRegistry } from '@hearth/core';
import { createHttpGuard, isLoopbackHost, weakTokenReason } from '@hearth/http-guard';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { HttpServerConfigError } from './errors/http-server-config-error.js';
import { createMcpServer, type McpServerOptions } from './mcp-server.js';

export interface HttpServeOptions extends McpServerOptions {
  /** Interface to bind (default `127.0.0.1`). Any non-loopback address requires `token`. */
  host?: string;
  /** Port (default 0: a free port; read it from the returned `url`). */
  port?: number;
  /** Bearer token every request must carry (`Authorization: Bearer <token>`). */
  token?: string;
  /** URL path of the endpoint (default `/mcp`). */
  path?: string;
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * More names or addresses accepted in the `Host` header, besides loopback names and the bound address
   * (every interface address when bound to 0.0.0.0 or ::): the names network clients use to reach it.
   */
  allowedHosts?: string[];
  /** Origins (e.g. `https://app.example`) allowed to call from a browser; loopback origins always are. */
  allowedOrigins?: string[];
  /**
   * Most concurrent sessions (default 64). When full, sessions idle longer than `sessionIdleMs` are
   * closed, then the new client's own least recently used session without a request in flight. An
   * active session (a request in flight) or another client's session is never closed to admit a new
   * one: the new one is refused (503).
   */
  maxSessions?: number;
  /**
   * Most concurrent sessions one client (remote address) may hold (default 16). Beyond it the client's
   * own least recently used session without a request in flight is closed (clients that never DELETE
   * their sessions replace them); when every one has a request in flight the new one is refused (429).
   */
  maxSessionsPerClient?: number;
  /** A session with no request for this long is closed (default 30 minutes); its client re-initializes. */
  sessionIdleMs?: number;
  /** Clock for idle expiry, in ms (default `Date.now`); tests inject their own. */
  now?: () => number;
}

export interface HttpMcpServer {
  /** The endpoint URL, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** True for addresses only this machine can reach (the check both HTTP servers share, from @hearth/engine). */
export { isLoopbackHost };

/** Sends a JSON-RPC error object with an HTTP status: every refusal is a well-formed JSON-RPC reply. */
function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: unknown = null,
): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A session and what expiry and eviction need: who holds it, when it was last used, what is open. */
interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  client: string;
  lastActive: number;
  /** Requests in flight (POST, DELETE): a session with one is active and never closed for another. */
  calls: number;
  /** Open SSE streams (GET): they keep a session from expiring, not from being replaced by its own client. */
  streams: number;
}

/**
 * Serves a registry over MCP Streamable HTTP (sessions, SSE streams for progress). Binds 127.0.0.1 by
 * default and refuses a non-loopback host without a token, or a token under 16 characters
 * (`HttpServerConfigError`). Every request passes the guard both HTTP servers share
 * (`createHttpGuard`: Host, Origin, bearer token, JSON content type), then body size and JSON; each
 * refusal is a JSON-RPC error reply, never a crash. Sessions are limited per client and in total,
 * idle ones expire, and an active one is never evicted for a new one.
 */
export async function serveHttp(
  registry: ToolRegistry,
  options: HttpServeOptions = {},
): Promise<HttpMcpServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/mcp';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxSessions = options.maxSessions ?? 64;
  const maxSessionsPerClient = options.maxSessionsPerClient ?? 16;
  const sessionIdleMs = options.sessionIdleMs ?? 30 * 60 * 1000;
  const now = options.now ?? Date.now;
  const token = options.token;
  for (const [name, value] of Object.entries({
    maxBodyBytes,
    maxSessions,
    maxSessionsPerClient,
    sessionIdleMs,
  }))
    if (!Number.isSafeInteger(value) || value < 1)
      throw new HttpServerConfigError(`${name} must be a whole number >= 1, got ${value}.`);
  if (!isLoopbackHost(host) && !token)
    throw new HttpServerConfigError(
      `Refusing to serve MCP on non-loopback address ${host} without a token: anyone on the network could run your tools. Pass --token <secret> (or bind 127.0.0.1).`,
    );
  const weakToken = token === undefined ? undefined : weakTokenReason(token);
  if (weakToken) throw new HttpServerConfigError(`The MCP token is too weak: ${weakToken}.`);

  const guard = createHttpGuard({
    host,
    token,
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
  });
  const sessions = new Map<string, Session>();
  /** Sessions admitted per client, counted from admission (before the id exists) so a burst cannot overshoot. */
  const admitted = new Map<string, number>();
  let admittedTotal = 0;

  function release(client: string): void {
    admittedTotal--;
    const left = (admitted.get(client) ?? 1) - 1;
    if (left > 0) admitted.set(client, left);
    else admitted.delete(client);
  }

  async function closeSession(id: string): Promise<void> {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    release(session.client);
    await session.server.close().catch(() => {});
  }

  /** Closes sessions with nothing open and no request for `sessionIdleMs`. */
  async function expireIdleSessions(): Promise<void> {
    const cutoff = now() - sessionIdleMs;
    const idle = [...sessions]
      .filter(([, s]) => s.calls === 0 && s.streams === 0 && s.lastActive <= cutoff)
      .map(([id]) => id);
    await Promise.all(idle.map(closeSession));
  }

  /**
   * Closes `client`'s least recently used session with no request in flight, if any: a client that
   * opens sessions and never DELETEs them (or leaves a stream open) replaces its own old ones.
   */
  async function closeLeastRecentlyUsed(client: string): Promise<void> {
    let oldest: [string, Session] | undefined;
    for (const entry of sessions)
      if (
        entry[1].client === client &&
        entry[1].calls === 0 &&
        (!oldest || entry[1].lastActive < oldest[1].lastActive)
      )
        oldest = entry;
    if (oldest) await closeSession(oldest[0]);
  }

  /** Marks a session used for the length of one request or stream. */
  function track(session: Session, res: ServerResponse, kind: 'calls' | 'streams'): void {
    session[kind]++;
    session.lastActive = now();
    res.once('close', () => {
      session[kind]--;
      session.lastActive = now();
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = guard.check(req);
    if (refusal) {
      if (refusal.check === 'token') res.setHeader('www-authenticate', 'Bearer realm="hearth-mcp"');
      return sendJsonRpcError(
        res,
        refusal.status,
        refusal.check === 'token' ? -32001 : -32000,
        refusal.message,
      );
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path)
      return sendJsonRpcError(res, 404, -32601, `Not found: the MCP endpoint is ${path}.`);

    const sessionHeader = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(sessionHeader) ? sessionHeader[0] : sessionHeader;

    if (req.method === 'POST') {
      let body: unknown;
      try {
        const raw = await readBody(req, maxBodyBytes);
        body = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return sendJsonRpcError(res, 413, -32600, `Request body larger than ${maxBodyBytes} bytes.`);
        return sendJsonRpcError(res, 400, -32700, 'Parse error: the body is not valid JSON.');
      }
      const messages = Array.isArray(body) ? body : [body];
      if (
        messages.length === 0 ||
        !messages.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m))
      )
        return sendJsonRpcError(
          res,
          400,
          -32600,
          'Invalid Request: expected a JSON-RPC message object (or a non-empty batch of them).',
        );
      if (sessionId !== undefined) {
        const session = sessions.get(sessionId);
        if (!session)
          return sendJsonRpcError(
            res,
            404,
            -32001,
            'Session not found (closed, or expired after being idle): initialize a new session.',
          );
        track(session, res, 'calls');
        return session.transport.handleRequest(req, res, body);
      }
      const initializing = Array.isArray(body)
        ? body.some((m) => isInitializeRequest(m))
        : isInitializeRequest(body);
      if (!initializing)
        return sendJsonRpcError(
          res,
          400,
          -32600,
          'Bad Request: no Mcp-Session-Id header; send an initialize request first.',
        );
      const client = req.socket.remoteAddress ?? 'unknown';
      const full = () => (admitted.get(client) ?? 0) >= maxSessionsPerClient || admittedTotal >= maxSessions;
      if (full()) await expireIdleSessions();
      // Clients that never DELETE their sessions replace them: this client's least recently used
      // session without a request in flight makes room. Another client's session is never closed for it.
      if (full()) await closeLeastRecentlyUsed(client);
      if ((admitted.get(client) ?? 0) >= maxSessionsPerClient)
        return sendJsonRpcError(
          res,
          429,
          -32000,
          `Too many sessions: this client (${client}) holds ${maxSessionsPerClient}, the most one client may, each with a request in flight. Wait for one to finish, close one (DELETE with its Mcp-Session-Id) or reuse it.`,
          messages[0]?.id ?? null,
        );
      if (admittedTotal >= maxSessions)
        return sendJsonRpcError(
          res,
          503,
          -32000,
          `Server busy: all ${maxSessions} sessions are in use and none is idle; try again later (idle sessions expire after ${Math.round(sessionIdleMs / 1000)} s).`,
          messages[0]?.id ?? null,
        );
      admittedTotal++;
      admitted.set(client, (admitted.get(client) ?? 0) + 1);
      const server = createMcpServer(registry, options);
      let session: Session | undefined;
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          session = { transport, server, client, lastActive: now(), calls: 0, streams: 0 };
          sessions.set(id, session);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId && sessions.has(transport.sessionId)) {
          sessions.delete(transport.sessionId);
          release(client);
        }
      };
      try {
        await server.connect(transport);
        await transport.handleRequest(req, res, body);
      } finally {
        // An initialize the transport refused never became a session: give its slot back.
        if (!session) {
          release(client);
          await server.close().catch(() => {});
        }
      }
      return;
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      const session = sessionId === undefined ? undefined : sessions.get(sessionId);
      if (!session)
        return sendJsonRpcError(
          res,
          sessionId === undefined ? 400 : 404,
          -32001,
          'Missing or unknown Mcp-Session-Id header.',
        );
      track(session, res, req.method === 'GET' ? 'streams' : 'calls');
      return session.transport.handleRequest(req, res);
    }
    res.setHeader('allow', 'GET, POST, DELETE');
    return sendJsonRpcError(res, 405, -32000, `Method ${req.method} not allowed.`);
  }

  const httpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendJsonRpcError(
        res,
        500,
        -32603,
        `Internal error: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  // Idle sessions are also expired on a timer, so their memory goes back without new clients.
  const sweeper = setInterval(() => void expireIdleSessions(), Math.min(sessionIdleMs, 60_000));
  sweeper.unref();
  const address = httpServer.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}${path}`,
    host: address.address,
    port: address.port,
    async close() {
      clearInterval(sweeper);
      await Promise.all([...sessions.keys()].map(closeSession));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
