import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium } from '@hearth/chromium';
import type { Locator } from 'playwright-core';
import { LOGIN_PAGE_HTML, LOGIN_PAGE_VIEWPORT } from './login-page.js';
import { defaultMediaDir, isNonEmptyFile, writeFileAtomic } from './media-cache.js';
import { decodePng, encodePng, type RgbaImage } from './png.js';
import { speak } from './speech.js';
import { encodeWav } from './wav.js';

/** Ground truth about the screenshot, read from the rendered page's DOM and the PNG itself. */
export interface ScreenshotFacts {
  /** `document.title`. */
  title: string;
  /** Text of the page's `<h1>`. */
  heading: string;
  /** Text of the submit button. */
  buttonLabel: string;
  /** Text of the visible error banner (`role="alert"`). */
  errorBanner: string;
  width: number;
  height: number;
}

/** Ground truth about the colour-bar test pattern. */
export interface PatternFacts {
  width: number;
  height: number;
  /** Names of the vertical colour bars in the top two thirds, left to right. */
  barColours: string[];
}

/** Ground truth about the test tone. */
export interface ToneFacts {
  frequencyHz: number;
  durationSeconds: number;
  sampleRate: number;
}

/** Paths (absolute) of the media fixtures and the facts evals check answers against. */
export interface MediaFixtures {
  /** PNG screenshot of a sign-in page with an error banner, rendered by headless Chromium (640x400). */
  screenshotPng: string;
  screenshotFacts: ScreenshotFacts;
  /** 160x120 PNG made in pure JS: eight colour bars over a black-and-white checkerboard. */
  patternPng: string;
  patternFacts: PatternFacts;
  /** 16 kHz mono 16-bit WAV of {@link speechTranscript} spoken by espeak-ng. */
  speechWav: string;
  speechTranscript: string;
  /** 1 s 440 Hz sine tone, 16 kHz mono 16-bit WAV, made in pure JS. */
  toneWav: string;
  toneFacts: ToneFacts;
}

/** Bump when a fixture's recipe changes, so cached files made by the old recipe are not reused. */
const FIXTURE_RECIPE_VERSION = 1;

const SPEECH_TRANSCRIPT = 'The login button does nothing when I click it.';

const PATTERN_WIDTH = 160;
const PATTERN_HEIGHT = 120;
const PATTERN_CHECKER_SIZE = 10;
/** SMPTE-style bars, left to right. */
export const PATTERN_BARS: ReadonlyArray<readonly [string, number, number, number]> = [
  ['white', 255, 255, 255],
  ['yellow', 255, 255, 0],
  ['cyan', 0, 255, 255],
  ['green', 0, 255, 0],
  ['magenta', 255, 0, 255],
  ['red', 255, 0, 0],
  ['blue', 0, 0, 255],
  ['black', 0, 0, 0],
];

const TONE: ToneFacts = { frequencyHz: 440, durationSeconds: 1, sampleRate: 16_000 };
const TONE_AMPLITUDE = 0.5;

function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}

/**
 * Makes (or reuses from the cache directory) the testkit's media fixtures: a Chromium screenshot with DOM
 * ground truth, a pure-JS test pattern, an espeak-ng speech clip with its transcript, and a pure-JS tone.
 * File names carry a hash of each recipe, so a second call returns the same files without re-rendering,
 * and a changed recipe makes new ones. Files are written atomically (temp file + rename).
 * @throws ChromiumNotFoundError (from `@hearth/chromium`) when Chromium is not installed, and
 *   MissingSystemToolError when espeak-ng or sox is not.
 */
export async function makeMediaFixtures(options: { dir?: string } = {}): Promise<MediaFixtures> {
  const dir = resolve(options.dir ?? defaultMediaDir());
  // allSettled, not all: a failure in one must not leave Chromium or espeak-ng running unobserved.
  const [screenshot, speechWav, patternPng, toneWav] = await Promise.allSettled([
    ensureScreenshot(dir),
    speak(SPEECH_TRANSCRIPT, { dir }),
    ensurePattern(dir),
    ensureTone(dir),
  ]);
  for (const result of [screenshot, speechWav, patternPng, toneWav]) {
    if (result.status === 'rejected') throw result.reason;
  }
  const value = <T>(result: PromiseSettledResult<T>): T => (result as PromiseFulfilledResult<T>).value;
  return {
    screenshotPng: value(screenshot).path,
    screenshotFacts: value(screenshot).facts,
    patternPng: value(patternPng),
    patternFacts: {
      width: PATTERN_WIDTH,
      height: PATTERN_HEIGHT,
      barColours: PATTERN_BARS.map(([name]) => name),
    },
    speechWav: value(speechWav),
    speechTranscript: SPEECH_TRANSCRIPT,
    toneWav: value(toneWav),
    toneFacts: { ...TONE },
  };
}

async function ensureScreenshot(dir: string): Promise<{ path: string; facts: ScreenshotFacts }> {
  const key = shortHash({
    version: FIXTURE_RECIPE_VERSION,
    html: LOGIN_PAGE_HTML,
    viewport: LOGIN_PAGE_VIEWPORT,
  });
  const path = join(dir, `screenshot-login-error-${key}.png`);
  const factsPath = join(dir, `screenshot-login-error-${key}.json`);
  if ((await isNonEmptyFile(path)) && (await isNonEmptyFile(factsPath))) {
    try {
      return { path, facts: JSON.parse(await readFile(factsPath, 'utf8')) as ScreenshotFacts };
    } catch {
      // A facts file that does not parse is rewritten below.
    }
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { ...LOGIN_PAGE_VIEWPORT }, deviceScaleFactor: 1 });
    await page.setContent(LOGIN_PAGE_HTML, { waitUntil: 'load' });
    const png = await page.screenshot({ type: 'png', animations: 'disabled', caret: 'hide' });
    const { width, height } = decodePng(png);
    const facts: ScreenshotFacts = {
      title: await page.title(),
      heading: await visibleText(page.locator('h1')),
      buttonLabel: await visibleText(page.locator('button[type="submit"]')),
      errorBanner: await visibleText(page.locator('[role="alert"]')),
      width,
      height,
    };
    // PNG first, facts second: the facts file is the marker that the pair is complete.
    await writeFileAtomic(path, png);
    await writeFileAtomic(factsPath, `${JSON.stringify(facts, null, 2)}\n`);
    return { path, facts };
  } finally {
    await browser.close();
  }
}

/** The text as rendered (what the screenshot shows), not the raw DOM text. */
async function visibleText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the ground truth for a screenshot.
  return (await locator.innerText()).trim();
}

function makePattern(): RgbaImage {
  const rgba = new Uint8Array(PATTERN_WIDTH * PATTERN_HEIGHT * 4);
  const barWidth = PATTERN_WIDTH / PATTERN_BARS.length;
  const barsHeight = (PATTERN_HEIGHT * 2) / 3;
  for (let y = 0; y < PATTERN_HEIGHT; y++) {
    for (let x = 0; x < PATTERN_WIDTH; x++) {
      const o = (y * PATTERN_WIDTH + x) * 4;
      if (y < barsHeight) {
        const [, r, g, b] = PATTERN_BARS[Math.floor(x / barWidth)] as readonly [
          string,
          number,
          number,
          number,
        ];
        rgba.set([r, g, b, 255], o);
      } else {
        const white = (Math.floor(x / PATTERN_CHECKER_SIZE) + Math.floor(y / PATTERN_CHECKER_SIZE)) % 2 === 0;
        rgba.set(white ? [255, 255, 255, 255] : [0, 0, 0, 255], o);
      }
    }
  }
  return { width: PATTERN_WIDTH, height: PATTERN_HEIGHT, rgba };
}

async function ensurePattern(dir: string): Promise<string> {
  const path = join(dir, `pattern-${PATTERN_WIDTH}x${PATTERN_HEIGHT}-v${FIXTURE_RECIPE_VERSION}.png`);
  if (!(await isNonEmptyFile(path))) await writeFileAtomic(path, encodePng(makePattern()));
  return path;
}

async function ensureTone(dir: string): Promise<string> {
  const { frequencyHz, durationSeconds, sampleRate } = TONE;
  const path = join(dir, `tone-${frequencyHz}hz-${durationSeconds}s-16k-v${FIXTURE_RECIPE_VERSION}.wav`);
  if (!(await isNonEmptyFile(path))) {
    const samples = new Float32Array(Math.round(durationSeconds * sampleRate));
    for (let i = 0; i < samples.length; i++) {
      samples[i] = TONE_AMPLITUDE * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate);
    }
    await writeFileAtomic(path, encodeWav({ sampleRate, channels: 1, samples }));
  }
  return path;
}
