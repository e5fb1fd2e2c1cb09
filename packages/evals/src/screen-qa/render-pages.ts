import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { launchChromium } from '@hearth/chromium';
import type { Browser } from 'playwright-core';
import { EvalDataError } from '../errors/eval-data-error.js';

/** Bump when the way pages are rendered changes, so cached screenshots are not reused across the change. */
const RENDER_VERSION = 1;

/** Every page is shot at this size (CSS pixels, device scale 1). */
export const SCREEN_QA_VIEWPORT = { width: 800, height: 600 } as const;

/** A page to render, and the DOM expressions whose values are its questions' answers. */
export interface PageToRender {
  file: string;
  expressions: string[];
}

/** A rendered page: its screenshot and each expression's value (as text). */
export interface RenderedPage {
  screenshot: string;
  values: Map<string, string>;
}

/** Writes a file whole or not at all: a run killed mid-write leaves no half screenshot to reuse. */
async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, data);
  await rename(partial, path);
}

/**
 * Renders each page once in real Chromium: a screenshot, and the value of each answer expression
 * evaluated in the rendered page (so answers come from the DOM, never typed by hand). Results are cached
 * in `mediaDir` by the page's HTML and expressions: a resumed run, or a second model, sees the very same
 * PNG, and Chromium starts only when something is missing. Fonts differ between machines, so two
 * machines' screenshots may differ; the answers, read from the DOM, do not.
 */
export async function renderPages(
  pagesDir: string,
  pages: readonly PageToRender[],
  mediaDir: string,
): Promise<Map<string, RenderedPage>> {
  await mkdir(mediaDir, { recursive: true });
  const rendered = new Map<string, RenderedPage>();
  let browser: Browser | undefined;
  try {
    for (const { file, expressions } of pages) {
      const path = join(pagesDir, file);
      let html: string;
      try {
        html = await readFile(path, 'utf8');
      } catch (error) {
        throw new EvalDataError(`cannot read the screen-qa page ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const key = createHash('sha256')
        .update(JSON.stringify({ RENDER_VERSION, html, SCREEN_QA_VIEWPORT, expressions }))
        .digest('hex')
        .slice(0, 16);
      const stem = join(mediaDir, `${basename(file, '.html')}-${key}`);
      const screenshot = `${stem}.png`;
      const answersFile = `${stem}.answers.json`;
      if (existsSync(screenshot) && existsSync(answersFile)) {
        const values = JSON.parse(await readFile(answersFile, 'utf8')) as Record<string, string>;
        rendered.set(file, { screenshot, values: new Map(Object.entries(values)) });
        continue;
      }
      browser ??= await launchChromium();
      const page = await browser.newPage({ viewport: SCREEN_QA_VIEWPORT, deviceScaleFactor: 1 });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        // Pages render offline: every request they make is refused, so no screenshot or answer depends on
        // the network (or reaches anything from this machine).
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load' });
        if (errors.length > 0)
          throw new EvalDataError(`the screen-qa page ${path} throws when rendered: ${errors.join('; ')}`);
        const values: Record<string, string> = {};
        for (const expression of expressions) {
          let value: unknown;
          try {
            value = await page.evaluate(expression);
          } catch (error) {
            throw new EvalDataError(
              `the answer expression ${JSON.stringify(expression)} fails on ${path}: ${(error as Error).message.split('\n')[0]}`,
              { cause: error },
            );
          }
          if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '')
            throw new EvalDataError(
              `the answer expression ${JSON.stringify(expression)} gives ${JSON.stringify(value)} on ${path}; it must give a non-empty string or a number`,
            );
          values[expression] = String(value).trim();
        }
        await writeWhole(screenshot, await page.screenshot({ type: 'png' }));
        await writeWhole(answersFile, `${JSON.stringify(values, null, 2)}\n`);
        rendered.set(file, { screenshot, values: new Map(Object.entries(values)) });
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser?.close();
  }
  return rendered;
}
