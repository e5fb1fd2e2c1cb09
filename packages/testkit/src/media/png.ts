import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { MediaFormatError } from './media-format-error.js';

/** An 8-bit RGBA image, rows top to bottom, 4 bytes per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  /** `width * height * 4` bytes: R, G, B, A for each pixel. */
  rgba: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_DIMENSION = 1 << 24;

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft;
  const pa = Math.abs(p - left);
  const pb = Math.abs(p - up);
  const pc = Math.abs(p - upLeft);
  if (pa <= pb && pa <= pc) return left;
  return pb <= pc ? up : upLeft;
}

/** The value the PNG filter `type` predicts for a byte, given its left, up and up-left neighbours. */
function predict(type: number, left: number, up: number, upLeft: number): number {
  switch (type) {
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >>> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      return 0;
  }
}

/**
 * Encodes an 8-bit RGBA image as a PNG (colour type 6, non-interlaced). Each row gets the filter with the
 * smallest sum of absolute residuals (libpng's heuristic), so output is compact and byte-for-byte
 * deterministic for a given zlib.
 */
export function encodePng(image: RgbaImage): Buffer {
  const { width, height, rgba } = image;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
      throw new RangeError(`encodePng: ${name} must be an integer from 1 to ${MAX_DIMENSION}, got ${value}`);
    }
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(
      `encodePng: rgba has ${rgba.length} bytes but a ${width}x${height} RGBA image needs ${width * height * 4}`,
    );
  }
  const stride = width * 4;
  const filtered = Buffer.alloc(height * (stride + 1));
  const candidate = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    let bestType = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let type = 0; type <= 4; type++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const left = i >= 4 ? (rgba[row + i - 4] as number) : 0;
        const up = y > 0 ? (rgba[row - stride + i] as number) : 0;
        const upLeft = y > 0 && i >= 4 ? (rgba[row - stride + i - 4] as number) : 0;
        const residual = ((rgba[row + i] as number) - predict(type, left, up, upLeft)) & 0xff;
        candidate[i] = residual;
        score += residual < 128 ? residual : 256 - residual;
      }
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        filtered[y * (stride + 1)] = type;
        candidate.copy(filtered, y * (stride + 1) + 1);
      }
    }
    filtered[y * (stride + 1)] = bestType;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(filtered, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Samples per pixel for each colour type that decodePng reads (all at 8 bits). */
const CHANNELS_BY_COLOUR_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes an 8-bit, non-interlaced PNG (greyscale, RGB, palette, grey+alpha or RGBA) into RGBA pixels.
 * Chunk CRCs are checked. Throws {@link MediaFormatError} for malformed files and for features it does
 * not read (other bit depths, interlacing).
 */
export function decodePng(png: Uint8Array): RgbaImage {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const fail = (message: string): never => {
    throw new MediaFormatError('png', `decodePng: ${message}`);
  };
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    fail('not a PNG file (the 8-byte PNG signature is missing)');
  }
  let width = 0;
  let height = 0;
  let colourType = -1;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  const idat: Buffer[] = [];
  let offset = 8;
  let sawEnd = false;
  while (!sawEnd) {
    if (offset + 12 > bytes.length) fail(`file ends inside a chunk header at byte ${offset} (truncated?)`);
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 8 + length;
    if (end + 4 > bytes.length)
      fail(`chunk ${type} at byte ${offset} runs past the end of the file (truncated?)`);
    const data = bytes.subarray(offset + 8, end);
    if (crc32(bytes.subarray(offset + 4, end)) !== bytes.readUInt32BE(end)) {
      fail(`chunk ${type} at byte ${offset} has a bad CRC (the file is corrupt)`);
    }
    if (offset === 8 && type !== 'IHDR') fail(`the first chunk is ${type}, expected IHDR`);
    switch (type) {
      case 'IHDR': {
        if (length !== 13) fail(`IHDR is ${length} bytes long, expected 13`);
        width = data.readUInt32BE(0);
        height = data.readUInt32BE(4);
        const bitDepth = data[8] as number;
        colourType = data[9] as number;
        if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
          fail(`image size ${width}x${height} is out of range`);
        }
        if (CHANNELS_BY_COLOUR_TYPE[colourType] === undefined)
          fail(`colour type ${colourType} is not valid PNG`);
        if (bitDepth !== 8) fail(`bit depth ${bitDepth} is not supported (only 8-bit PNGs are read)`);
        if (data[10] !== 0 || data[11] !== 0) fail('unknown compression or filter method in IHDR');
        if (data[12] !== 0) fail('interlaced (Adam7) PNGs are not supported; re-save without interlacing');
        break;
      }
      case 'PLTE':
        palette = data;
        break;
      case 'tRNS':
        transparency = data;
        break;
      case 'IDAT':
        idat.push(data);
        break;
      case 'IEND':
        sawEnd = true;
        break;
    }
    offset = end + 4;
  }
  if (idat.length === 0) fail('no IDAT chunk (the file has no pixel data)');
  if (colourType === 3 && palette === undefined) fail('palette image (colour type 3) without a PLTE chunk');

  const channels = CHANNELS_BY_COLOUR_TYPE[colourType] as number;
  const stride = width * channels;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (error) {
    throw new MediaFormatError('png', `decodePng: the compressed pixel data is corrupt (${String(error)})`);
  }
  if (raw.length < height * (stride + 1)) {
    fail(`pixel data is ${raw.length} bytes, a ${width}x${height} image needs ${height * (stride + 1)}`);
  }

  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filterType = raw[y * (stride + 1)] as number;
    if (filterType > 4) fail(`row ${y} uses unknown filter type ${filterType}`);
    const source = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? (pixels[row + i - channels] as number) : 0;
      const up = y > 0 ? (pixels[row - stride + i] as number) : 0;
      const upLeft = y > 0 && i >= channels ? (pixels[row - stride + i - channels] as number) : 0;
      pixels[row + i] = ((raw[source + i] as number) + predict(filterType, left, up, upLeft)) & 0xff;
    }
  }
  return { width, height, rgba: toRgba(pixels, width * height, colourType, palette, transparency) };
}

function toRgba(
  pixels: Buffer,
  count: number,
  colourType: number,
  palette: Uint8Array | undefined,
  transparency: Uint8Array | undefined,
): Uint8Array {
  const rgba = new Uint8Array(count * 4);
  // tRNS for grey/RGB images names one 16-bit sample value (per channel) that is fully transparent.
  const transparentGrey = colourType === 0 && transparency?.length === 2 ? (transparency[1] as number) : -1;
  const transparentRgb =
    colourType === 2 && transparency?.length === 6
      ? [transparency[1] as number, transparency[3] as number, transparency[5] as number]
      : undefined;
  for (let p = 0; p < count; p++) {
    const o = p * 4;
    switch (colourType) {
      case 0: {
        const g = pixels[p] as number;
        rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
        rgba[o + 3] = g === transparentGrey ? 0 : 255;
        break;
      }
      case 2: {
        const r = pixels[p * 3] as number;
        const g = pixels[p * 3 + 1] as number;
        const b = pixels[p * 3 + 2] as number;
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
        rgba[o + 3] =
          transparentRgb && r === transparentRgb[0] && g === transparentRgb[1] && b === transparentRgb[2]
            ? 0
            : 255;
        break;
      }
      case 3: {
        const index = pixels[p] as number;
        const table = palette as Uint8Array;
        if (index * 3 + 2 >= table.length) {
          throw new MediaFormatError(
            'png',
            `decodePng: pixel ${p} uses palette entry ${index}, beyond the palette`,
          );
        }
        rgba[o] = table[index * 3] as number;
        rgba[o + 1] = table[index * 3 + 1] as number;
        rgba[o + 2] = table[index * 3 + 2] as number;
        rgba[o + 3] = transparency && index < transparency.length ? (transparency[index] as number) : 255;
        break;
      }
      case 4:
        rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[p * 2] as number;
        rgba[o + 3] = pixels[p * 2 + 1] as number;
        break;
      default:
        rgba.set(pixels.subarray(o, o + 4), o);
    }
  }
  return rgba;
}
