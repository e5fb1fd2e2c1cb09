import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ToolRegistry } from '@hearth/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpFetchTool } from './http-fetch.js';

/**
 * SSRF attacks on `http_fetch` through what an allow-list lets through: a loopback server stands
 * for an internal service and records every request that reaches it. Made-up names resolve through
 * an injected resolver (no DNS server is asked).
 */
let internal: Server;
let port: number;
const hits: { url: string; host: string }[] = [];
beforeAll(async () => {
  internal = createServer((request, response) => {
    hits.push({ url: request.url ?? '', host: request.headers.host ?? '' });
    if (request.url === '/to-loopback')
      response.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
    else if (request.url === '/to-wildcard')
      response.writeHead(302, { location: `http://intranet.example.test:${port}/secret` }).end();
    else response.end('internal secret');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  port = (internal.address() as AddressInfo).port;
});
afterAll(() => {
  internal.closeAllConnections();
  internal.close();
});
beforeEach(() => {
  hits.length = 0;
});

const toLoopback = async (hostname: string) => {
  if (hostname.endsWith('.test')) return ['127.0.0.1'];
  throw Object.assign(new Error('unknown'), { code: 'ENOTFOUND' });
};

describe('http_fetch: one host policy, judged on resolved addresses', () => {
  it('refuses loopback, link-local and unspecified addresses in every spelling a wildcard allow-list lets through', async () => {
    const registry = new ToolRegistry([
      httpFetchTool({ allowHosts: ['*.example.test', '*.localhost'], resolve: toLoopback }),
    ]);
    for (const url of [
      `http://intranet.example.test:${port}/secret`, // a name that resolves to 127.0.0.1
      `http://admin.localhost:${port}/secret`,
    ]) {
      const result = await registry.call('http_fetch', { url });
      expect(result.isError, url).toBe(true);
      expect(JSON.stringify(result.content), url).toMatch(/is a loopback address: refused/);
    }
    const unlisted = new ToolRegistry([
      httpFetchTool({ allowHosts: ['*.example.test'], resolve: toLoopback }),
    ]);
    for (const url of [
      `http://2130706433:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://0.0.0.0:${port}/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://localhost:${port}/`,
    ]) {
      const result = await unlisted.call('http_fetch', { url });
      expect(result.isError, url).toBe(true);
      expect(JSON.stringify(result.content), url).toMatch(/not on the allow-list/);
    }
    expect(hits).toEqual([]);
  });

  it('checks each redirect hop: an exactly allowed host redirecting to another loopback port or a wildcard name inside is refused', async () => {
    const registry = new ToolRegistry([
      httpFetchTool({ allowHosts: [`gateway.test:${port}`, '*.example.test'], resolve: toLoopback }),
    ]);
    const direct = await registry.call('http_fetch', { url: `http://gateway.test:${port}/to-loopback` });
    expect(JSON.stringify(direct.content)).toMatch(/Host \\"127\.0\.0\.1:\d+\\" is not on the allow-list/);
    const wildcard = await registry.call('http_fetch', { url: `http://gateway.test:${port}/to-wildcard` });
    expect(JSON.stringify(wildcard.content)).toMatch(/resolves to 127\.0\.0\.1, which is a loopback address/);
    // The gateway itself was reached (once per call); the redirect targets never were.
    expect(hits.map((hit) => hit.url)).toEqual(['/to-loopback', '/to-wildcard']);
  });

  it('connects to the address it checked, sending the URL host: no second DNS lookup to rebind', async () => {
    let lookups = 0;
    const registry = new ToolRegistry([
      httpFetchTool({
        allowHosts: [`pinned.test:${port}`],
        // A rebinding resolver: the first answer is checked, any later one would differ.
        resolve: async () => (lookups++ === 0 ? ['127.0.0.1'] : ['10.9.9.9']),
      }),
    ]);
    const result = await registry.call('http_fetch', { url: `http://pinned.test:${port}/hello` });
    expect(result.structuredContent).toMatchObject({ status: 200, body: 'internal secret' });
    expect(lookups).toBe(1);
    expect(hits).toEqual([{ url: '/hello', host: `pinned.test:${port}` }]);
  });
});
