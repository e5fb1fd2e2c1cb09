import { launchChromium } from '@hearth/chromium';
import { defineTool, type ToolDefinition } from '@hearth/core';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { assertServedHosts, type ServedSite, serveSites } from './browser-routing.js';
import { matchAllowList } from './host-allow-list.js';
import { HostPolicy, type ResolveHost } from './host-policy.js';
import { startPolicyProxy } from './policy-proxy.js';

export interface BrowserToolsOptions {
  /** Chromium binary (default `$HEARTH_CHROMIUM_PATH`, else `/usr/bin/chromium`). */
  executablePath?: string;
  /**
   * Hosts the page may reach, for the URL and every request the page makes (see `HostPolicy`).
   * Without a list any host whose addresses are all public is allowed; loopback, private,
   * link-local and other non-public addresses only through an exact entry.
   */
  allowHosts?: string[];
  /** Sites the browser serves itself on reserved `.invalid` hosts (e.g. a demo page), keyed by host name. */
  sites?: Record<string, ServedSite>;
  /** Host name resolver the policy judges (default: the system's); tests inject one. */
  resolve?: ResolveHost;
  timeoutMs?: number;
}

const pageInput = z
  .object({
    url: z.string().optional().describe('http(s) URL to open'),
    html: z.string().optional().describe('HTML to render instead of a URL'),
    width: z.number().int().min(100).max(4000).default(1024),
    height: z.number().int().min(100).max(4000).default(768),
  })
  .refine((v) => (v.url === undefined) !== (v.html === undefined), {
    message: 'give exactly one of "url" or "html"',
  });

/**
 * `browser_screenshot` (a PNG image result the model sees) and `browser_text` (the page's visible text).
 * Each call runs its own Chromium, so nothing stays running between calls.
 */
export function browserTools(options: BrowserToolsOptions = {}): ToolDefinition[] {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const sites = assertServedHosts(options.sites ?? {});
  const policy = new HostPolicy({
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  async function withPage<T>(
    input: z.infer<typeof pageInput>,
    signal: AbortSignal,
    use: (page: Page) => Promise<T>,
  ): Promise<T> {
    // Syntax first (http(s), no credentials): a served site's URL needs no allow-list or address check.
    const url = input.url === undefined ? undefined : matchAllowList(input.url, undefined).url;
    // Refused before Chromium starts; the routing below judges the URL again, with every later request.
    if (url && !sites.has(url.hostname)) await policy.check(url);
    const requests = new AbortController();
    const proxy = await startPolicyProxy(policy, requests.signal);
    const browser = await launchChromium({ executablePath: options.executablePath }).catch(async (error) => {
      await proxy.close();
      throw error;
    });
    const onAbort = () => void browser.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Every request leaves through the policy proxy; served sites are answered before it.
      const context = await browser.newContext({
        proxy: proxy.settings,
        viewport: { width: input.width, height: input.height },
      });
      await serveSites(context, sites);
      const page = await context.newPage();
      let navigation = url?.href;
      page.on('request', (request) => {
        if (request.isNavigationRequest() && request.frame() === page.mainFrame()) navigation = request.url();
      });
      // A refused navigation (the URL or a redirect hop) fails or shows the proxy's 403: say why instead.
      const refusal = () => (navigation === undefined ? undefined : proxy.refusalFor(navigation));
      try {
        if (url) await page.goto(url.href, { waitUntil: 'load', timeout: timeoutMs });
        else await page.setContent(input.html ?? '', { waitUntil: 'load', timeout: timeoutMs });
      } catch (error) {
        throw refusal() ?? error;
      }
      const refused = refusal();
      if (refused) throw refused;
      return await use(page);
    } finally {
      signal.removeEventListener('abort', onAbort);
      requests.abort();
      await browser.close();
      await proxy.close();
    }
  }
  return [
    defineTool({
      name: 'browser_screenshot',
      description:
        'Render a web page (a URL or given HTML) in Chromium and return a PNG screenshot you can look at.',
      input: pageInput,
      effects: { network: true },
      timeoutMs: timeoutMs + 15_000,
      run: (input, { signal, reportProgress }) =>
        withPage(input, signal, async (page) => {
          reportProgress(1, 2, 'page loaded');
          const png = await page.screenshot({ type: 'png' });
          reportProgress(2, 2, 'screenshot taken');
          return {
            content: [
              { type: 'image', bytes: png, mimeType: 'image/png' },
              {
                type: 'text',
                text: `Screenshot of ${input.url ?? 'the given HTML'} (${input.width}x${input.height}).`,
              },
            ],
          };
        }),
    }),
    defineTool({
      name: 'browser_text',
      description: 'Open a web page (a URL or given HTML) in Chromium and return its title and visible text.',
      input: pageInput,
      effects: { network: true },
      timeoutMs: timeoutMs + 15_000,
      run: (input, { signal }) =>
        withPage(input, signal, async (page) => ({
          title: await page.title(),
          // biome-ignore lint/performance/useDomNodeTextContent: the model wants the rendered, visible text (innerText), not hidden nodes.
          text: await page.innerText('body'),
        })),
    }),
  ];
}
