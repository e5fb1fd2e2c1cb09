import { launchChromium } from '@hearth/chromium';
import { defineTool, type ToolDefinition } from '@hearth/core';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { assertUrlAllowed } from './host-allow-list.js';

export interface BrowserToolsOptions {
  /** Chromium binary (default `$HEARTH_CHROMIUM_PATH`, else `/usr/bin/chromium`). */
  executablePath?: string;
  /** When given, URLs must be on this host allow-list; otherwise any http(s) URL is allowed. */
  allowHosts?: string[];
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
  async function withPage<T>(
    input: z.infer<typeof pageInput>,
    signal: AbortSignal,
    use: (page: Page) => Promise<T>,
  ): Promise<T> {
    const url = input.url === undefined ? undefined : assertUrlAllowed(input.url, options.allowHosts).href;
    const browser = await launchChromium({ executablePath: options.executablePath });
    const onAbort = () => void browser.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const page = await browser.newPage({ viewport: { width: input.width, height: input.height } });
      if (url) await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
      else await page.setContent(input.html ?? '', { waitUntil: 'load', timeout: timeoutMs });
      return await use(page);
    } finally {
      signal.removeEventListener('abort', onAbort);
      await browser.close();
    }
  }
  return [
    defineTool({
      name: 'browser_screenshot',
      description:
        'Render a web page (a URL or given HTML) in Chromium and return a PNG screenshot you can look at.',
      input: pageInput,
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
