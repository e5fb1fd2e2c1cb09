import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { type CheckedTarget, pinnedLookup } from './host-policy.js';

export interface PinnedResponse {
  status: number;
  /** Response headers that describe the resource (not the connection or the body's encoding). */
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** True when the body was longer than `maxBytes` and was cut. */
  truncated: boolean;
}

/** Headers that describe one hop's connection or body encoding, not the resource: never forwarded. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
  'content-encoding',
  'accept-encoding',
]);

/** `headers` without hop-by-hop ones and HTTP/2 pseudo-headers (`:authority`). */
function endToEndHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.startsWith(':') && !HOP_HEADERS.has(name.toLowerCase())),
  );
}

function decoded(response: IncomingMessage): NodeJS.ReadableStream {
  const encoding = response.headers['content-encoding']?.toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return response.pipe(createGunzip());
  if (encoding === 'deflate') return response.pipe(createInflate());
  if (encoding === 'br') return response.pipe(createBrotliDecompress());
  return response;
}

/**
 * One HTTP(S) request to a target `HostPolicy.check` passed, connecting only to the addresses it
 * checked (TLS still verifies the certificate against the host name). Redirects are returned, not
 * followed, so the caller checks each hop. The body is decoded (gzip, deflate, br) and cut at `maxBytes`.
 */
export async function pinnedRequest(
  target: CheckedTarget,
  init: {
    method: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    maxBytes: number;
    signal?: AbortSignal;
  },
): Promise<PinnedResponse> {
  const { url } = target;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method,
        headers: { ...endToEndHeaders(init.headers ?? {}), 'accept-encoding': 'gzip, deflate, br' },
        lookup: pinnedLookup(target.addresses),
        // A fresh connection per request: a pooled socket could belong to another address.
        agent: false,
        signal: init.signal,
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const body = decoded(response);
  try {
    for await (const chunk of body) {
      const bytes = Buffer.from(chunk as Buffer);
      chunks.push(bytes);
      size += bytes.length;
      if (size > init.maxBytes) {
        truncated = true;
        break;
      }
    }
  } finally {
    response.destroy();
  }
  const headers: IncomingHttpHeaders = Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !HOP_HEADERS.has(name)),
  );
  return {
    status: response.statusCode ?? 0,
    headers,
    body: Buffer.concat(chunks).subarray(0, init.maxBytes),
    truncated,
  };
}
