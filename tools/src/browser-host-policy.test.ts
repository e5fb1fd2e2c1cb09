import { createSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { ToolRegistry } from '@hearth/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserTools } from './browser.js';
import type { ServedSite } from './browser-routing.js';

/**
 * SSRF attacks on the browser tools, with real Chromium: a loopback server stands for an internal
 * service and records every request (and WebSocket upgrade) that reaches it; each attack must
 * leave it untouched.
 */
let internal: Server;
let internalOrigin: string;
const internalHits: string[] = [];
let allowed: Server;
let allowedOrigin: string;

async function listen(
  handler: (request: IncomingMessage) => { status: number; headers?: Record<string, string>; body: string },
) {
  const server = createServer((request, response) => {
    const { status, headers, body } = handler(request);
    response.writeHead(status, { 'content-type': 'text/html', ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  ({ server: internal, origin: internalOrigin } = await listen((request) => {
    internalHits.push(`${request.method} ${request.url}`);
    return { status: 200, body: '<title>Internal</title><body>internal secret</body>' };
  }));
  internal.on('upgrade', (request, socket) => {
    internalHits.push(`UPGRADE ${request.url}`);
    socket.destroy();
  });
  ({ server: allowed, origin: allowedOrigin } = await listen((request) =>
    request.url === '/to-internal'
      ? { status: 302, headers: { location: `${internalOrigin}/after-redirect` }, body: '' }
      : {
          status: 200,
          body: `<title>Allowed</title><body>allowed page<img src="${internalOrigin}/img"><iframe src="${internalOrigin}/frame"></iframe></body>`,
        },
  ));
});
afterAll(() => {
  for (const server of [internal, allowed]) {
    server.closeAllConnections();
    server.close();
  }
});
beforeEach(() => {
  internalHits.length = 0;
});

/** A page that tries every way a page can send a request to the internal service. */
function attackPage(): string {
  const target = internalOrigin;
  const ws = target.replace('http:', 'ws:');
  return `<!doctype html><title>Public page</title><link rel="stylesheet" href="${target}/css">
<body><p>public content</p><img src="${target}/img"><iframe src="${target}/frame"></iframe>
<script src="${target}/script.js"></script>
<script>
fetch('${target}/fetch').catch(() => {});
fetch('http://localhost:${new URL(target).port}/fetch-localhost').catch(() => {});
fetch('http://2130706433:${new URL(target).port}/fetch-decimal').catch(() => {});
fetch('http://[::ffff:127.0.0.1]:${new URL(target).port}/fetch-mapped').catch(() => {});
const xhr = new XMLHttpRequest(); xhr.open('GET', '${target}/xhr'); xhr.send();
navigator.sendBeacon('${target}/beacon', 'x');
try { new WebSocket('${ws}/ws'); } catch {}
try { new EventSource('${target}/events'); } catch {}
const worker = new Worker(URL.createObjectURL(new Blob(["fetch('${target}/worker').catch(() => {})"])));
navigator.serviceWorker?.register('/sw.js').catch(() => {});
</script></body>`;
}

const sites: Record<string, ServedSite> = {
  'public.invalid': ({ url }) =>
    url.pathname === '/to-internal'
      ? { status: 302, headers: { location: `${internalOrigin}/after-redirect` } }
      : { body: attackPage() },
};

/** Lets the page's last requests (beacons, workers) go out before checking the internal server. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('browser tools: one host policy for every request the page makes (real Chromium)', () => {
  const registry = new ToolRegistry(browserTools({ sites }));

  it('refuses a loopback URL in browser_text and browser_screenshot, before Chromium sends anything', async () => {
    for (const tool of ['browser_text', 'browser_screenshot']) {
      const result = await registry.call(tool, { url: `${internalOrigin}/` });
      expect(result.isError, tool).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/HOST_NOT_ALLOWED|is a loopback address/);
    }
    expect(internalHits).toEqual([]);
  });

  it('blocks subresources, frames, fetch, XHR, beacons, EventSource, workers and WebSockets of an allowed page that aim at loopback', async () => {
    const result = await registry.call('browser_text', { url: 'http://public.invalid/' });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toMatchObject({ title: 'Public page' });
    expect(String((result.structuredContent as { text: string }).text)).toContain('public content');
    await settle();
    expect(internalHits).toEqual([]);
  });

  it('blocks the same requests from given HTML', async () => {
    const result = await registry.call('browser_screenshot', { html: attackPage() });
    expect(result.isError).toBeUndefined();
    await settle();
    expect(internalHits).toEqual([]);
  });

  it('refuses a redirect from an allowed (served) host to loopback and says why', async () => {
    const result = await registry.call('browser_text', { url: 'http://public.invalid/to-internal' });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/127\.0\.0\.1.*is a loopback address/);
    expect(internalHits).toEqual([]);
  });

  it('with an allow-list: an exactly allowed loopback server loads, its redirect and subresources to another port do not', async () => {
    const allowedHost = new URL(allowedOrigin).host;
    const limited = new ToolRegistry(browserTools({ allowHosts: [allowedHost] }));
    const page = await limited.call('browser_text', { url: `${allowedOrigin}/` });
    expect(page.structuredContent).toMatchObject({
      title: 'Allowed',
      text: expect.stringContaining('allowed page'),
    });
    const redirected = await limited.call('browser_text', { url: `${allowedOrigin}/to-internal` });
    expect(redirected.isError).toBe(true);
    expect(JSON.stringify(redirected.content)).toMatch(/not on the allow-list/);
    await settle();
    expect(internalHits).toEqual([]);
  });

  it('judges resolved addresses: a public-looking name that resolves to loopback is refused', async () => {
    const resolving = new ToolRegistry(
      browserTools({ resolve: async () => ['127.0.0.1'], allowHosts: ['*.example.com'] }),
    );
    const port = new URL(internalOrigin).port;
    const result = await resolving.call('browser_text', { url: `http://intranet.example.com:${port}/` });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/resolves to 127\.0\.0\.1, which is a loopback address/);
    expect(internalHits).toEqual([]);
  });

  it('Chromium connects to the address the policy checked: a name only the policy can resolve loads', async () => {
    const port = new URL(allowedOrigin).port;
    const pinned = new ToolRegistry(
      browserTools({ allowHosts: [`pinned.test:${port}`], resolve: async () => ['127.0.0.1'] }),
    );
    const result = await pinned.call('browser_text', { url: `http://pinned.test:${port}/` });
    expect(result.isError, JSON.stringify(result.content)).toBeUndefined();
    expect(result.structuredContent).toMatchObject({ title: 'Allowed' });
  });

  it('DNS rebinding: a name that answers public first and loopback next is refused when it would connect', async () => {
    const port = new URL(internalOrigin).port;
    let lookups = 0;
    const rebinding = new ToolRegistry(
      browserTools({
        allowHosts: ['*.example.com'],
        resolve: async () => (lookups++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']),
      }),
    );
    const result = await rebinding.call('browser_text', { url: `http://rebind.example.com:${port}/` });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/resolves to 127\.0\.0\.1, which is a loopback address/);
    expect(lookups).toBeGreaterThan(1);
    expect(internalHits).toEqual([]);
  });

  it('WebRTC sends no STUN (UDP) or TURN (TCP) packet to loopback', async () => {
    const udp = createSocket('udp4');
    const packets: number[] = [];
    udp.on('message', (message) => packets.push(message.length));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const turnConnections: string[] = [];
    const turn = createTcpServer((socket) => {
      turnConnections.push('turn');
      socket.destroy();
    });
    await new Promise<void>((resolve) => turn.listen(0, '127.0.0.1', resolve));
    const udpPort = udp.address().port;
    const tcpPort = (turn.address() as AddressInfo).port;
    try {
      const html = `<title>rtc</title><body>rtc<script>
        const pc = new RTCPeerConnection({ iceServers: [
          { urls: 'stun:127.0.0.1:${udpPort}' },
          { urls: 'turn:127.0.0.1:${tcpPort}?transport=tcp', username: 'u', credential: 'p' },
        ] });
        pc.createDataChannel('x');
        pc.createOffer().then((offer) => pc.setLocalDescription(offer));
      </script></body>`;
      const result = await registry.call('browser_text', { html });
      expect(result.isError).toBeUndefined();
      await settle();
      expect(packets).toEqual([]);
      expect(turnConnections).toEqual([]);
    } finally {
      udp.close();
      turn.close();
    }
  });

  it('refuses served-site hosts outside the reserved .invalid domain', () => {
    expect(() => browserTools({ sites: { 'example.com': () => ({ body: '' }) } })).toThrow(/\.invalid/);
  });
});
