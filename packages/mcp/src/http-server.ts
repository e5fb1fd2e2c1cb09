import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ToolRegistry } from '@hearth/core';
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
  /** Extra host names accepted in the `Host` header, besides the bound host and loopback names. */
  allowedHosts?: string[];
  /** Origins (e.g. `https://app.example`) allowed to call from a browser; loopback origins always are. */
  allowedOrigins?: string[];
  /** Most concurrent sessions; the oldest is closed beyond it (default 64). */
  maxSessions?: number;
}

export interface HttpMcpServer {
  /** The endpoint URL, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const loopbackNames = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return loopbackNames.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return undefined;
  }
}

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

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Serves a registry over MCP Streamable HTTP (sessions, SSE streams for progress). Binds 127.0.0.1 by
 * default and refuses a non-loopback host without a token (`HttpServerConfigError`). Every request is
 * checked, in order: Host header (DNS-rebinding protection), Origin, bearer token, body size, JSON;
 * each refusal is a JSON-RPC error reply, never a crash.
 */
export async function serveHttp(
  registry: ToolRegistry,
  options: HttpServeOptions = {},
): Promise<HttpMcpServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/mcp';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxSessions = options.maxSessions ?? 64;
  const token = options.token;
  if (!isLoopbackHost(host) && !token)
    throw new HttpServerConfigError(
      `Refusing to serve MCP on non-loopback address ${host} without a token: anyone on the network could run your tools. Pass --token <secret> (or bind 127.0.0.1).`,
    );
  if (token !== undefined && token.length < 16)
    throw new HttpServerConfigError('The MCP token must be at least 16 characters long.');

  const allowedHostnames = new Set(
    [...loopbackNames, host, ...(options.allowedHosts ?? [])].map((h) => h.replace(/^\[|\]$/g, '')),
  );
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: Server }>();

  async function closeSession(id: string): Promise<void> {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.server.close().catch(() => {});
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostname = hostnameOf(req.headers.host ?? '')?.replace(/^\[|\]$/g, '');
    if (!hostname || !allowedHostnames.has(hostname))
      return sendJsonRpcError(
        res,
        403,
        -32000,
        `Forbidden: Host header "${req.headers.host ?? ''}" is not allowed.`,
      );
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).hostname.replace(/^\[|\]$/g, '');
      } catch {}
      if (!allowedOrigins.has(origin) && !(originHost && isLoopbackHost(originHost)))
        return sendJsonRpcError(res, 403, -32000, `Forbidden: Origin "${origin}" is not allowed.`);
    }
    if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="hearth-mcp"');
      return sendJsonRpcError(res, 401, -32001, 'Unauthorized: send "Authorization: Bearer <token>".');
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
          return sendJsonRpcError(res, 404, -32001, 'Session not found: initialize a new session.');
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
      const server = createMcpServer(registry, options);
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, server });
          if (sessions.size > maxSessions) void closeSession(sessions.keys().next().value as string);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await server.connect(transport);
      return transport.handleRequest(req, res, body);
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
  const address = httpServer.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}${path}`,
    host: address.address,
    port: address.port,
    async close() {
      await Promise.all([...sessions.keys()].map(closeSession));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
