import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { networkInterfaces } from 'node:os';

/**
 * The request checks both of Hearth's HTTP servers apply (`hearth serve` in @hearth/model, `hearth mcp
 * serve` in @hearth/mcp), kept here because neither package may import the other. Each server turns a
 * refusal into its own error shape (OpenAI's `{error}`, a JSON-RPC error).
 */

/** Bearer tokens shorter than this are refused when a server starts. */
export const MIN_TOKEN_LENGTH = 16;

const loopbackNames = new Set(['127.0.0.1', 'localhost', '::1']);
const wildcardAddresses = new Set(['0.0.0.0', '::', '']);

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return loopbackNames.has(bare) || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Why a bearer token is too weak to guard a server, or undefined when it is strong enough. A short
 * token can be guessed online: the servers do not rate-limit failed attempts.
 */
export function weakTokenReason(token: string): string | undefined {
  if (token.length >= MIN_TOKEN_LENGTH) return undefined;
  return (
    `the token is ${token.length} characters long; use at least ${MIN_TOKEN_LENGTH} ` +
    '(anyone who can reach the port may try tokens as fast as the network allows; a short one is guessed). ' +
    'Generate one with: openssl rand -hex 24'
  );
}

/** A request refused before it reaches the server's routes. */
export interface HttpRefusal {
  status: 401 | 403 | 415;
  /** Which check refused it. */
  check: 'host' | 'origin' | 'token' | 'content-type';
  message: string;
}

/** What {@link createHttpGuard} needs to know about the server. */
export interface HttpGuardOptions {
  /** The address the server binds. */
  host: string;
  /** Bearer token every request must carry; none for loopback-only servers. */
  token?: string | undefined;
  /** More names (or addresses) accepted in the `Host` header: how clients on the network reach it. */
  allowedHosts?: readonly string[] | undefined;
  /** More origins (e.g. `https://app.example`) a browser may call from. */
  allowedOrigins?: readonly string[] | undefined;
  /** The flag that adds a host, named in the refusal (default `--allowed-host`). */
  allowedHostFlag?: string;
}

const bareHostname = (name: string) => name.replace(/^\[|\]$/g, '').toLowerCase();

function hostnameOf(hostHeader: string): string | undefined {
  try {
    return bareHostname(new URL(`http://${hostHeader}`).hostname);
  } catch {
    return undefined;
  }
}

/** A wildcard bind answers on every interface: each of this machine's addresses is its own name. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) =>
    (entries ?? []).map((entry) => entry.address),
  );
}

function tokenMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The checks every request passes, in order; the first that fails refuses it:
 * 1. `Host` is a loopback name, the bound address (each interface address for 0.0.0.0 / ::) or an
 *    allowed host: a web page that rebinds its DNS name to this machine sends its own name and is
 *    refused (DNS rebinding), with or without a token.
 * 2. `Origin`, when a browser sends one, is loopback or allowed: another site's page cannot call it.
 * 3. The bearer token, when the server has one (compared in constant time).
 * 4. A request with a body (POST) declares `application/json`: `text/plain` and form bodies are what a
 *    page may send cross-site without a CORS preflight.
 */
export function createHttpGuard(options: HttpGuardOptions): {
  check(request: { method?: string | undefined; headers: IncomingHttpHeaders }): HttpRefusal | undefined;
} {
  const bound = bareHostname(options.host);
  const hosts = new Set(
    [
      ...loopbackNames,
      ...(wildcardAddresses.has(bound) ? interfaceAddresses() : [bound]),
      ...(options.allowedHosts ?? []),
    ].map(bareHostname),
  );
  const origins = new Set(options.allowedOrigins ?? []);
  const hostFlag = options.allowedHostFlag ?? '--allowed-host';
  return {
    check({ method, headers }) {
      const hostname = hostnameOf(headers.host ?? '');
      if (!hostname || !(hosts.has(hostname) || isLoopbackHost(hostname)))
        return {
          status: 403,
          check: 'host',
          message: `Forbidden: Host header "${headers.host ?? ''}" is not a name of this server; if clients reach it under that name, start it with ${hostFlag} ${hostname ?? '<name>'}.`,
        };
      const origin = headers.origin;
      if (origin !== undefined && !origins.has(origin)) {
        let originHost: string | undefined;
        try {
          originHost = new URL(origin).hostname;
        } catch {}
        if (!originHost || !isLoopbackHost(originHost))
          return {
            status: 403,
            check: 'origin',
            message: `Forbidden: Origin "${origin}" is not allowed (a web page from another site); start the server with --allowed-origin ${origin} to let it call.`,
          };
      }
      if (options.token !== undefined && !tokenMatches(headers.authorization, options.token))
        return {
          status: 401,
          check: 'token',
          message: 'Unauthorized: missing or wrong bearer token; send "Authorization: Bearer <token>".',
        };
      if (method === 'POST') {
        const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        if (type !== 'application/json')
          return {
            status: 415,
            check: 'content-type',
            message: `Unsupported Media Type: send the body as "Content-Type: application/json", not "${headers['content-type'] ?? '(none)'}".`,
          };
      }
      return undefined;
    },
  };
}
