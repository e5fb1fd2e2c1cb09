import { deflateSync } from 'node:zlib';
import { launchChromium } from '@hearth/chromium';
import { describe, expect, it } from 'vitest';
import { MediaFormatError } from './media-format-error.js';
import { decodePng, encodePng, type RgbaImage } from './png.js';

/** A deterministic image with smooth gradients, noise and flat areas, so every row filter gets chosen. */
function testImage(width: number, height: number): RgbaImage {
  const rgba = new Uint8Array(width * height * 4);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const o = (y * width + x) * 4;
      const noisy = y % 3 === 0;
      rgba[o] = noisy ? seed & 0xff : (x * 7) & 0xff;
      rgba[o + 1] = noisy ? (seed >>> 8) & 0xff : (y * 5) & 0xff;
      rgba[o + 2] = (x + y) & 0xff;
      rgba[o + 3] = x % 4 === 0 ? 128 : 255;
    }
  }
  return { width, height, rgba };
}

/** A PNG chunk with its CRC computed independently of png.ts. */
function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(data.length + 12);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  return withFixedCrc(out, 0);
}

/** Recomputes the CRC of the chunk starting at `offset` (bitwise CRC-32, no table). */
function withFixedCrc(bytes: Buffer, offset: number): Buffer {
  const out = Buffer.from(bytes);
  const length = out.readUInt32BE(offset);
  let c = 0xffffffff;
  for (const b of out.subarray(offset + 4, offset + 8 + length)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0, offset + 8 + length);
  return out;
}

/** An 8-bit PNG from hand-filtered scanlines, as another encoder might write it. */
function rawPng(
  width: number,
  height: number,
  colourType: number,
  scanlines: number[],
  extra: Buffer[] = [],
) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...extra,
    pngChunk('IDAT', deflateSync(Buffer.from(scanlines))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('encodePng / decodePng', () => {
  it('round-trips RGBA pixels exactly', () => {
    const image = testImage(97, 61);
    const png = encodePng(image);
    const decoded = decodePng(png);
    expect(decoded.width).toBe(97);
    expect(decoded.height).toBe(61);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(image.rgba))).toBe(true);
  });

  it('uses more than one row filter and is deterministic', () => {
    const image = testImage(64, 48);
    const png = encodePng(image);
    expect(encodePng(image).equals(png)).toBe(true);
    // Compression with adaptive filters should beat storing the raw pixels.
    expect(png.length).toBeLessThan(image.rgba.length);
  });

  it('decodes RGB, grey, palette and grey+alpha files with all filter types', () => {
    // 2x2 RGB, row 0 filter Sub, row 1 filter Paeth.
    const rgb = decodePng(rawPng(2, 2, 2, [1, 10, 20, 30, 5, 5, 5, 4, 1, 1, 1, 0, 0, 0]));
    expect([...rgb.rgba]).toEqual([10, 20, 30, 255, 15, 25, 35, 255, 11, 21, 31, 255, 15, 25, 35, 255]);
    // 2x2 grey, row 0 filter None, row 1 filter Average.
    const grey = decodePng(rawPng(2, 2, 0, [0, 100, 200, 3, 10, 10]));
    expect([...grey.rgba.filter((_, i) => i % 4 === 0)]).toEqual([100, 200, 60, 140]);
    // 2x1 palette, entry 1 half transparent via tRNS, filter Up (first row: same as None).
    const palette = decodePng(
      rawPng(
        2,
        1,
        3,
        [2, 0, 1],
        [pngChunk('PLTE', Buffer.from([1, 2, 3, 4, 5, 6])), pngChunk('tRNS', Buffer.from([255, 7]))],
      ),
    );
    expect([...palette.rgba]).toEqual([1, 2, 3, 255, 4, 5, 6, 7]);
    const greyAlpha = decodePng(rawPng(1, 1, 4, [0, 9, 99]));
    expect([...greyAlpha.rgba]).toEqual([9, 9, 9, 99]);
  });

  it('refuses corrupt and unsupported files with a MediaFormatError that says why', () => {
    const png = encodePng(testImage(8, 8));
    const corrupt = Buffer.from(png);
    corrupt[45] = (corrupt[45] as number) ^ 0xff; // inside IDAT's data
    expect(() => decodePng(corrupt)).toThrow(/bad CRC/);
    expect(() => decodePng(Buffer.from('GIF89a........'))).toThrow(/not a PNG/);
    expect(() => decodePng(png.subarray(0, png.length - 20))).toThrow(/truncated/);
    const interlaced = Buffer.from(png);
    interlaced[28] = 1; // IHDR interlace byte
    const fixed = withFixedCrc(interlaced, 8);
    expect(() => decodePng(fixed)).toThrow(/interlaced/);
    try {
      decodePng(corrupt);
    } catch (error) {
      expect(MediaFormatError.isInstance(error)).toBe(true);
      expect((error as MediaFormatError).format).toBe('png');
    }
  });

  it('rejects pixel buffers of the wrong size', () => {
    expect(() => encodePng({ width: 4, height: 4, rgba: new Uint8Array(10) })).toThrow(/needs 64/);
  });

  it('produces files that Chromium decodes to the same pixels', async () => {
    const image = testImage(31, 17);
    const png = encodePng(image);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // A string expression: this package compiles without DOM types.
      const pixels = (await page.evaluate(`(async () => {
        const blob = await (await fetch('data:image/png;base64,${png.toString('base64')}')).blob();
        const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
        context.drawImage(bitmap, 0, 0);
        return Array.from(context.getImageData(0, 0, bitmap.width, bitmap.height).data);
      })()`)) as number[];
      expect(pixels.length).toBe(image.rgba.length);
      // Canvas stores premultiplied alpha, so half-transparent pixels may differ by rounding.
      let maxDifference = 0;
      for (let i = 0; i < pixels.length; i++) {
        maxDifference = Math.max(maxDifference, Math.abs((pixels[i] as number) - (image.rgba[i] as number)));
      }
      expect(maxDifference).toBeLessThanOrEqual(2);
    } finally {
      await browser.close();
    }
  });
});
