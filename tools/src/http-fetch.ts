import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';
import { assertUrlAllowed } from './host-allow-list.js';

export interface HttpFetchOptions {
  /** Hosts the tool may reach (see `assertUrlAllowed`); redirects are checked too. */
  allowHosts: string[];
  /** Largest response body returned, in bytes (default 1 MiB); longer bodies are cut. */
  maxBytes?: number;
  timeoutMs?: number;
}

/** `http_fetch`: GET/POST to allow-listed hosts, following at most 5 redirects (each one re-checked). */
export function httpFetchTool(options: HttpFetchOptions): ToolDefinition {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return defineTool({
    name: 'http_fetch',
    description: `Fetch a URL over HTTP(S) and return status, content type and body text. Allowed hosts: ${options.allowHosts.join(', ') || '(none)'}.`,
    input: z.object({
      url: z.string(),
      method: z.enum(['GET', 'POST', 'HEAD']).default('GET'),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().optional(),
    }),
    timeoutMs: options.timeoutMs ?? 30_000,
    async run({ url, method, headers, body }, { signal }) {
      let target = assertUrlAllowed(url, options.allowHosts);
      for (let hop = 0; ; hop++) {
        const response = await fetch(target, {
          method,
          headers,
          body: method === 'POST' ? body : undefined,
          redirect: 'manual',
          signal,
        });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
          if (hop >= 5) throw new Error('Too many redirects (more than 5).');
          target = assertUrlAllowed(new URL(location, target).href, options.allowHosts);
          await response.body?.cancel();
          continue;
        }
        const reader = response.body?.getReader();
        const chunks: Uint8Array[] = [];
        let size = 0;
        let truncated = false;
        while (reader) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          size += value.length;
          if (size > maxBytes) {
            truncated = true;
            await reader.cancel();
            break;
          }
        }
        const text = Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
        return {
          url: target.href,
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          body: text,
          truncated,
        };
      }
    },
  });
}
