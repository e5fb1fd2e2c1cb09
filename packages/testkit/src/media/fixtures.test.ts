import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaFixtures, makeMediaFixtures, PATTERN_BARS } from './fixtures.js';
import { LOGIN_PAGE_BACKGROUND } from './login-page.js';
import { decodePng, type RgbaImage } from './png.js';
import { rms, zeroCrossingFrequency } from './test-support/audio-measures.js';
import { decodeWav } from './wav.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-media-fixtures-test-'));
let fixtures: MediaFixtures;

beforeAll(async () => {
  fixtures = await makeMediaFixtures({ dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 4;
  return [...image.rgba.subarray(o, o + 4)];
}

/** Number of pixels whose RGB is exactly `rgb`. */
function countColour(image: RgbaImage, rgb: readonly number[]): number {
  let count = 0;
  for (let o = 0; o < image.rgba.length; o += 4) {
    if (image.rgba[o] === rgb[0] && image.rgba[o + 1] === rgb[1] && image.rgba[o + 2] === rgb[2]) count++;
  }
  return count;
}

describe('makeMediaFixtures', () => {
  it('returns absolute paths of files inside the chosen directory', () => {
    for (const path of [fixtures.screenshotPng, fixtures.patternPng, fixtures.speechWav, fixtures.toneWav]) {
      expect(isAbsolute(path)).toBe(true);
      expect(path.startsWith(dir)).toBe(true);
      expect(statSync(path).size).toBeGreaterThan(0);
    }
  });

  it('records the rendered page facts as ground truth', () => {
    expect(fixtures.screenshotFacts).toEqual({
      title: 'Sign in - Acme Cloud',
      heading: 'Sign in to Acme Cloud',
      buttonLabel: 'Log in',
      errorBanner: 'Login failed: the server returned error 502 (Bad Gateway).',
      width: 640,
      height: 400,
    });
  });

  it('renders a real, non-blank 640x400 screenshot of the page', () => {
    const image = decodePng(readFileSync(fixtures.screenshotPng));
    expect([image.width, image.height]).toEqual([640, 400]);
    // The page background fills the corners; the error banner (#fde8e8) and button (#1a56db) are visible.
    expect(pixel(image, 2, 2)).toEqual([...LOGIN_PAGE_BACKGROUND, 255]);
    expect(countColour(image, [0xfd, 0xe8, 0xe8])).toBeGreaterThan(2000);
    expect(countColour(image, [0x1a, 0x56, 0xdb])).toBeGreaterThan(2000);
    let sum = 0;
    let sumOfSquares = 0;
    const pixels = image.width * image.height;
    for (let o = 0; o < image.rgba.length; o += 4) {
      const luma =
        0.299 * (image.rgba[o] as number) +
        0.587 * (image.rgba[o + 1] as number) +
        0.114 * (image.rgba[o + 2] as number);
      sum += luma;
      sumOfSquares += luma * luma;
    }
    const variance = sumOfSquares / pixels - (sum / pixels) ** 2;
    expect(variance).toBeGreaterThan(100);
  });

  it('makes the colour-bar pattern in pure JS', () => {
    const image = decodePng(readFileSync(fixtures.patternPng));
    expect([image.width, image.height]).toEqual([160, 120]);
    expect(fixtures.patternFacts.barColours).toEqual(PATTERN_BARS.map(([name]) => name));
    PATTERN_BARS.forEach(([, r, g, b], bar) => {
      expect(pixel(image, bar * 20 + 10, 40)).toEqual([r, g, b, 255]);
    });
    expect(pixel(image, 5, 85)).toEqual([255, 255, 255, 255]);
    expect(pixel(image, 15, 85)).toEqual([0, 0, 0, 255]);
    expect(pixel(image, 15, 95)).toEqual([255, 255, 255, 255]);
  });

  it('makes 16 kHz mono speech with its transcript', () => {
    const wav = decodeWav(readFileSync(fixtures.speechWav));
    expect([wav.sampleRate, wav.channels]).toEqual([16_000, 1]);
    expect(fixtures.speechTranscript).toBe('The login button does nothing when I click it.');
    expect(rms(wav.samples)).toBeGreaterThan(0.02);
  });

  it('makes a 1 s 440 Hz tone at 16 kHz mono', () => {
    const wav = decodeWav(readFileSync(fixtures.toneWav));
    expect([wav.sampleRate, wav.channels, wav.samples.length]).toEqual([16_000, 1, 16_000]);
    expect(fixtures.toneFacts).toEqual({ frequencyHz: 440, durationSeconds: 1, sampleRate: 16_000 });
    expect(zeroCrossingFrequency(wav.samples, 16_000)).toBeCloseTo(440, 0);
    expect(rms(wav.samples)).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it('reuses cached files on a second call without rewriting them', async () => {
    const files = readdirSync(dir).map((name) => join(dir, name));
    expect(files.filter((path) => path.includes('.tmp'))).toEqual([]);
    const mtimes = files.map((path) => statSync(path).mtimeMs);
    const again = await makeMediaFixtures({ dir });
    expect(again).toEqual(fixtures);
    expect(readdirSync(dir).map((name) => join(dir, name))).toEqual(files);
    expect(files.map((path) => statSync(path).mtimeMs)).toEqual(mtimes);
  });
});
