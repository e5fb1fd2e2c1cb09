import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { ToolRegistry } from '@hearth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockTool } from './clock.js';
import { httpFetchTool } from './http-fetch.js';
import { builtinTools } from './index.js';
import { shellTool } from './shell.js';

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hello') res.end('hello from loopback');
    else if (req.url === '/redirect-out') res.writeHead(302, { location: 'http://example.invalid/x' }).end();
    else if (req.url === '/redirect-in') res.writeHead(302, { location: '/hello' }).end();
    else if (req.url === '/big') res.end('x'.repeat(5000));
    else res.writeHead(404).end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('http_fetch', () => {
  it('fetches allow-listed hosts, re-checks redirects and caps the body', async () => {
    const registry = new ToolRegistry([httpFetchTool({ allowHosts: [`127.0.0.1:${port}`], maxBytes: 1000 })]);
    const ok = await registry.call('http_fetch', { url: `http://127.0.0.1:${port}/hello` });
    expect(ok.structuredContent).toMatchObject({
      status: 200,
      body: 'hello from loopback',
      truncated: false,
    });
    expect(
      (await registry.call('http_fetch', { url: `http://127.0.0.1:${port}/redirect-in` })).structuredContent,
    ).toMatchObject({ body: 'hello from loopback' });
    const out = await registry.call('http_fetch', { url: `http://127.0.0.1:${port}/redirect-out` });
    expect(out.isError).toBe(true);
    expect(JSON.stringify(out.content)).toMatch(/Host \\"example.invalid\\" is not on the allow-list/);
    expect((await registry.call('http_fetch', { url: `http://localhost:${port}/hello` })).isError).toBe(true);
    expect((await registry.call('http_fetch', { url: 'file:///etc/passwd' })).isError).toBe(true);
    const big = await registry.call('http_fetch', { url: `http://127.0.0.1:${port}/big` });
    expect(big.structuredContent).toMatchObject({ truncated: true });
    expect(String(big.structuredContent?.body).length).toBe(1000);
  });
});

describe('shell', () => {
  it('runs only allow-listed commands, without a shell, and asks for approval', async () => {
    const tool = shellTool({ allow: ['echo'], root: tmpdir() });
    expect(tool.requiresApproval).toBe(true);
    const registry = new ToolRegistry([tool]);
    const result = await registry.call('shell', { command: 'echo', args: ['a;b', '$(id)'] });
    expect(result.structuredContent).toEqual({ exitCode: 0, stdout: 'a;b $(id)\n', stderr: '' });
    for (const command of ['rm', '/bin/echo', 'sh', 'echo;id']) {
      const refused = await registry.call('shell', { command, args: [] });
      expect(refused.isError, command).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/is not allowed/);
    }
  });

  it('is absent unless enabled', () => {
    const names = builtinTools({ fsRoot: '.' }).map((t) => t.name);
    expect(names).not.toContain('shell');
    expect(names).not.toContain('http_fetch');
    expect(
      builtinTools({ fsRoot: '.', shell: { allow: ['ls'] }, http: { allowHosts: ['a.b'] } }).map(
        (t) => t.name,
      ),
    ).toEqual(expect.arrayContaining(['shell', 'http_fetch']));
  });
});

describe('clock', () => {
  it('reports the time in UTC and a time zone, and rejects unknown zones', async () => {
    const registry = new ToolRegistry([clockTool(() => new Date('2026-03-01T12:34:56Z'))]);
    expect((await registry.call('clock', { timeZone: 'Asia/Tokyo' })).structuredContent).toEqual({
      iso: '2026-03-01T12:34:56.000Z',
      unixMs: Date.parse('2026-03-01T12:34:56Z'),
      timeZone: 'Asia/Tokyo',
      local: expect.stringMatching(/2026-03-01, 21:34:56/),
    });
    expect((await registry.call('clock', { timeZone: 'Mars/Olympus' })).isError).toBe(true);
  });
});
