import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { HostNotAllowedError } from './errors/host-not-allowed-error.js';
import type { HostPolicy } from './host-policy.js';
import { pinnedLookup } from './host-policy.js';
import { pinnedRequest } from './pinned-request.js';

/** The largest request or response body the proxy carries; longer ones fail (the page sees a network error). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface PolicyProxy {
  /** Playwright `proxy` settings: the server and the one-off credentials it requires. */
  settings: { server: string; username: string; password: string; bypass: string };
  /** The refusal for a URL the proxy refused (by URL for http, by host:port for https and WebSockets). */
  refusalFor(url: string): HostNotAllowedError | undefined;
  close(): Promise<void>;
}

/**
 * An HTTP proxy on loopback that a browser context sends all its traffic through, so every request
 * (navigations, each redirect hop, subresources, workers, service workers, WebSockets) is judged by
 * `policy` here, and connected to the addresses the policy checked: Chromium never resolves a name
 * itself, so DNS rebinding between check and connection has nothing to work on. Plain http is
 * fetched with `pinnedRequest`; https and WebSockets come as CONNECT tunnels to a checked address.
 * It answers only with the one-off credentials it was started with, so other local programs cannot
 * use it while it runs.
 */
export async function startPolicyProxy(policy: HostPolicy, signal: AbortSignal): Promise<PolicyProxy> {
  const username = 'hearth';
  const password = randomBytes(18).toString('base64url');
  const expectedAuthorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const refusals = new Map<string, HostNotAllowedError>();
  const sockets = new Set<Socket>();

  async function judge(key: string, url: string) {
    try {
      return await policy.check(url);
    } catch (error) {
      if (HostNotAllowedError.isInstance(error)) refusals.set(key, error);
      throw error;
    }
  }

  async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '';
    const target = await judge(url, url);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new Error(`request body larger than ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] =>
          typeof entry[1] === 'string' && entry[0] !== 'proxy-authorization',
      ),
    );
    const upstream = await pinnedRequest(target, {
      method: request.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      maxBytes: MAX_BODY_BYTES,
      signal,
    });
    if (upstream.truncated) throw new Error(`${url} is larger than ${MAX_BODY_BYTES} bytes`);
    response.writeHead(upstream.status, { ...upstream.headers, 'content-length': upstream.body.length });
    response.end(upstream.body);
  }

  const authorized = (request: IncomingMessage) =>
    request.headers['proxy-authorization'] === expectedAuthorization;
  const challenge = { 'proxy-authenticate': 'Basic realm="hearth"' };

  const server = createServer((request, response) => {
    if (!authorized(request)) {
      response.writeHead(407, challenge).end();
      return;
    }
    forward(request, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else
        response
          .writeHead(HostNotAllowedError.isInstance(error) ? 403 : 502, { 'content-type': 'text/plain' })
          .end(String((error as Error).message ?? error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    client.on('error', () => client.destroy());
    if (!authorized(request)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="hearth"\r\n\r\n',
      );
      return;
    }
    const authority = request.url ?? '';
    // The tunnel's scheme is unknown (https or a WebSocket); the host and port are what is judged.
    judge(authority, `https://${authority}`)
      .then((target) => {
        const upstream = connect({
          host: target.url.hostname.replace(/^\[|\]$/g, ''),
          port: Number(target.url.port || 443),
          lookup: pinnedLookup(target.addresses),
        });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        upstream.on('connect', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (head.length > 0) upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        client.on('close', () => upstream.destroy());
      })
      .catch((error: unknown) => {
        client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${(error as Error).message}`);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // Chromium sends loopback requests around a proxy unless `<-loopback>` removes that exemption.
    settings: { server: `http://127.0.0.1:${port}`, username, password, bypass: '<-loopback>' },
    refusalFor(url) {
      const exact = refusals.get(url);
      if (exact) return exact;
      try {
        const parsed = new URL(url);
        return refusals.get(`${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? 443 : 80)}`);
      } catch {
        return undefined;
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
