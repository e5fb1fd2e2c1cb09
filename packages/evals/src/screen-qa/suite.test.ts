import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalDataError } from '../errors/eval-data-error.js';
import { SCREEN_QA_VIEWPORT } from './render-pages.js';
import { screenQaSuite, shippedScreenQaData } from './suite.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-evals-screen-qa-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('screen-qa suite', () => {
  it('renders each page in Chromium once and reads every answer from the DOM', async () => {
    const mediaDir = join(dir, 'shipped');
    const loaded = await screenQaSuite.load(undefined, { mediaDir });
    expect(loaded.cases).toHaveLength(14);
    expect(new Set(loaded.cases.map((testCase) => testCase.category))).toEqual(
      new Set(['table', 'chart', 'form', 'error-banner']),
    );
    // What a person reads off each page; the suite got these from the DOM, not from this list.
    const expected = Object.fromEntries(loaded.cases.map((testCase) => [testCase.id, testCase.expected]));
    expect(expected).toMatchObject({
      'orders-amount-total': '854',
      'orders-failed-count': '3',
      'orders-customer-of-1042': 'Lena Fischer',
      'servers-busiest-host': 'db-primary',
      'revenue-best-month': 'May',
      'revenue-march': '55',
      'browser-firefox-share': '9',
      'shipping-city': 'Trondheim',
      'shipping-quantity': '3',
      'shipping-delivery': 'Express',
      'deploy-exit-code': '137',
      'deploy-failed-step': 'migrate-db',
      'signup-fields-to-fix': '2',
      'signup-password-length': '12',
    });
    const first = loaded.cases[0];
    if (!first) throw new Error('no case');
    const png = decodePng(await readFile(first.screenshot));
    expect({ width: png.width, height: png.height }).toEqual(SCREEN_QA_VIEWPORT);
    expect(first.screenshot.startsWith(join(mediaDir, 'screen-qa'))).toBe(true);
    // The request carries the screenshot as an image part, before the question.
    const request = screenQaSuite.request(first);
    expect(request.messages[1]?.content).toEqual([
      { type: 'image', image: first.screenshot, mimeType: 'image/png' },
      { type: 'text', text: first.question },
    ]);
    expect(screenQaSuite.needs?.(first)).toEqual(['image']);

    // A second load reuses the cached files: the same paths, not rewritten.
    const before = (await stat(first.screenshot)).mtimeMs;
    const again = await screenQaSuite.load(undefined, { mediaDir });
    expect(again.cases.map((testCase) => testCase.screenshot)).toEqual(
      loaded.cases.map((testCase) => testCase.screenshot),
    );
    expect((await stat(first.screenshot)).mtimeMs).toBe(before);
  });

  it('accepts the oracle on every case and refuses each mutant fault with its error', async () => {
    const { cases } = await screenQaSuite.load(undefined, { mediaDir: join(dir, 'shipped') });
    for (const testCase of cases) {
      expect(screenQaSuite.check(testCase, screenQaSuite.oracleAnswer(testCase)), testCase.id).toMatchObject({
        correct: true,
      });
      for (let index = 0; index < 3; index++) {
        const mutated = screenQaSuite.mutantAnswer(testCase, index);
        expect(
          screenQaSuite.check(testCase, mutated.answer),
          `${testCase.id}: ${mutated.fault}`,
        ).toMatchObject({
          correct: false,
          errorType: mutated.expectedErrorType,
        });
      }
    }
  });

  it('renders pages offline: a request a page makes is refused, even to a server that answers', async () => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.end('reached');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const data = join(dir, 'offline-data');
      await mkdir(join(data, 'pages'), { recursive: true });
      await writeFile(
        join(data, 'pages', 'page.html'),
        `<!doctype html><p>hello</p><img src="http://127.0.0.1:${port}/pixel.png"><script src="http://127.0.0.1:${port}/app.js"></script>`,
      );
      const row = {
        id: 'net',
        category: 'x',
        page: 'page.html',
        question: 'q',
        kind: 'text',
        answer: "document.querySelector('p').textContent",
      };
      await writeFile(join(data, 'cases.jsonl'), `${JSON.stringify(row)}\n`);
      const { cases } = await screenQaSuite.load(data, { mediaDir: join(dir, 'offline-media') });
      expect(cases[0]?.expected).toBe('hello');
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('names the case and page when an answer expression fails or gives no number for a number question', async () => {
    const data = join(dir, 'bad-data');
    await mkdir(join(data, 'pages'), { recursive: true });
    await copyFile(
      join(shippedScreenQaData, 'pages', 'deploy-error.html'),
      join(data, 'pages', 'deploy-error.html'),
    );
    const write = (row: object) => writeFile(join(data, 'cases.jsonl'), `${JSON.stringify(row)}\n`);
    const base = { id: 'bad', category: 'error-banner', page: 'deploy-error.html', question: 'Which step?' };
    await write({ ...base, kind: 'text', answer: "document.querySelector('.missing').textContent" });
    await expect(screenQaSuite.load(data, { mediaDir: join(dir, 'bad-media') })).rejects.toThrow(
      /the answer expression .* fails on .*deploy-error\.html: .*null/,
    );
    await write({ ...base, kind: 'number', answer: "document.querySelector('.step').textContent" });
    const error = await screenQaSuite
      .load(data, { mediaDir: join(dir, 'bad-media') })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(EvalDataError);
    expect(error.message).toBe(
      'case bad is a number question, but its answer expression gives "migrate-db" on deploy-error.html',
    );
    await write({ ...base, kind: 'a number' });
    await expect(screenQaSuite.load(data, { mediaDir: join(dir, 'bad-media') })).rejects.toThrow(
      /cases\.jsonl:1 \(bad\) needs a non-empty string "answer"/,
    );
  });
});
