import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';
import { HostPolicy, type ResolveHost } from './host-policy.js';
import { pinnedRequest } from './pinned-request.js';

export interface HttpFetchOptions {
  /** Hosts the tool may reach (see `HostPolicy`); every redirect hop is checked too. */
  allowHosts: string[];
  /** Host name resolver the policy judges (default: the system's); tests inject one. */
  resolve?: ResolveHost;
  /** Largest response body returned, in bytes (default 1 MiB); longer bodies are cut. */
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * `http_fetch`: GET/POST to allow-listed hosts, following at most 5 redirects (each one re-checked).
 * Every hop connects to the addresses `HostPolicy` checked, so a DNS answer that changes between the
 * check and the connection cannot reach another address.
 */
export function httpFetchTool(options: HttpFetchOptions): ToolDefinition {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const policy = new HostPolicy({
    allowHosts: options.allowHosts,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  return defineTool({
    name: 'http_fetch',
    description: `Fetch a URL over HTTP(S) and return status, content type and body text. Allowed hosts: ${options.allowHosts.join(', ') || '(none)'}.`,
    input: z.object({
      url: z.string(),
      method: z.enum(['GET', 'POST', 'HEAD']).default('GET'),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().optional(),
    }),
    effects: { network: true },
    timeoutMs: options.timeoutMs ?? 30_000,
    async run({ url, method, headers, body }, { signal }) {
      let target = await policy.check(url);
      for (let hop = 0; ; hop++) {
        const response = await pinnedRequest(target, {
          method,
          ...(headers ? { headers } : {}),
          ...(method === 'POST' && body !== undefined ? { body } : {}),
          maxBytes,
          signal,
        });
        const location = response.headers.location;
        if (response.status >= 300 && response.status < 400 && location) {
          if (hop >= 5) throw new Error('Too many redirects (more than 5).');
          target = await policy.check(new URL(location, target.url));
          continue;
        }
        return {
          url: target.url.href,
          status: response.status,
          contentType: response.headers['content-type'] ?? '',
          body: response.body.toString('utf8'),
          truncated: response.truncated,
        };
      }
    },
  });
}
