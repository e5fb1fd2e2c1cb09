import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ToolRegistry, toolResultToMessageContent } from '@hearth/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserTools } from './browser.js';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      '<title>Served page</title><body style="background:#00ff00"><h1>Hello from the test server</h1></body>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** Width and height from a PNG's IHDR chunk (throws when the bytes are not a PNG). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('browser tools (real Chromium)', () => {
  const registry = new ToolRegistry(browserTools());

  it('screenshots given HTML as PNG image content that reaches the model as an image part', async () => {
    const result = await registry.call('browser_screenshot', {
      html: '<body style="background:red"><h1>Hi</h1></body>',
      width: 320,
      height: 200,
    });
    const image = result.content.find((c) => c.type === 'image');
    if (image?.type !== 'image') throw new Error('no image content');
    expect(image.mimeType).toBe('image/png');
    expect(pngSize(Buffer.from(image.bytes))).toEqual({ width: 320, height: 200 });
    // The model gets the screenshot's very bytes and MIME type, not a data URL.
    const parts = toolResultToMessageContent(result);
    expect(parts[0]).toEqual({ type: 'image', image: new Uint8Array(image.bytes), mimeType: 'image/png' });
  });

  it('screenshots a URL and reads page text', async () => {
    // A loopback server is reachable only when the allow-list names it (see browser-host-policy.test.ts).
    const loopback = new ToolRegistry(browserTools({ allowHosts: ['127.0.0.1'] }));
    const shot = await loopback.call('browser_screenshot', { url, width: 400, height: 300 });
    expect(shot.isError).toBeUndefined();
    const text = await loopback.call('browser_text', { url });
    expect(text.structuredContent).toEqual({ title: 'Served page', text: 'Hello from the test server' });
  });

  it('refuses non-http URLs and bad input', async () => {
    expect((await registry.call('browser_text', { url: 'file:///etc/passwd' })).isError).toBe(true);
    await expect(registry.call('browser_text', {})).rejects.toThrow(/exactly one of "url" or "html"/);
    const limited = new ToolRegistry(browserTools({ allowHosts: ['example.com'] }));
    const refused = await limited.call('browser_text', { url });
    expect(JSON.stringify(refused.content)).toMatch(/not on the allow-list/);
  });

  it('reports a missing Chromium with the variable to set and how to install it', async () => {
    vi.stubEnv('HEARTH_CHROMIUM_PATH', '/nonexistent/chromium');
    try {
      const result = await registry.call('browser_text', { html: '<p>unseen</p>' });
      expect(result.isError).toBe(true);
      const message = JSON.stringify(result.content);
      expect(message).toContain('/nonexistent/chromium (set by HEARTH_CHROMIUM_PATH)');
      expect(message).toContain('apt-get install -y chromium');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
