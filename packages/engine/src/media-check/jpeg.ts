import { checkImageSize, type ImageInfo } from './image-size.js';
import type { MediaLimits } from './limits.js';
import { ByteReader, MediaFormatProblem } from './reader.js';

/** Frame types the image decoder reads: baseline, extended and progressive Huffman (not arithmetic, not lossless). */
const DECODABLE_FRAMES = new Set([0xc0, 0xc1, 0xc2]);

/**
 * Walks a JPEG's segments: SOI first, every segment inside the file, exactly one decodable frame
 * header (SOF0/1/2) with sane dimensions and 1, 3 or 4 components, at least one scan, and an EOI.
 */
export function inspectJpeg(bytes: Uint8Array, limits: MediaLimits): ImageInfo {
  const reader = new ByteReader(bytes, 'JPEG');
  if (reader.u16be(0, 'the SOI marker') !== 0xffd8)
    throw new MediaFormatProblem('JPEG does not start with SOI');
  let offset = 2;
  let info: ImageInfo | undefined;
  let sawScan = false;
  for (;;) {
    if (reader.u8(offset, 'a marker') !== 0xff) {
      throw new MediaFormatProblem(`JPEG has garbage at byte ${offset} where a marker should be`);
    }
    while (reader.u8(offset + 1, 'a marker') === 0xff) offset++;
    const marker = reader.u8(offset + 1, 'a marker');
    if (marker === 0xd9) {
      if (!info) throw new MediaFormatProblem('JPEG has no frame header (SOF)');
      if (!sawScan) throw new MediaFormatProblem('JPEG has no image data (SOS)');
      return info;
    }
    if (marker === 0xd8 || marker === 0x00)
      throw new MediaFormatProblem(`JPEG has a misplaced marker at byte ${offset}`);
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    const length = reader.u16be(offset + 2, 'a segment length');
    if (length < 2) throw new MediaFormatProblem(`JPEG segment at byte ${offset} has length ${length}`);
    reader.need(offset + 2, length, `segment 0xFF${marker.toString(16).toUpperCase()}`);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (!DECODABLE_FRAMES.has(marker)) {
        throw new MediaFormatProblem(
          'JPEG uses arithmetic or lossless coding, which the image decoder does not read (re-save it as a baseline JPEG or PNG)',
        );
      }
      if (info) throw new MediaFormatProblem('JPEG has more than one frame header');
      if (length < 8) throw new MediaFormatProblem('JPEG frame header is too short');
      const precision = reader.u8(offset + 4, 'SOF precision');
      const height = reader.u16be(offset + 5, 'SOF height');
      const width = reader.u16be(offset + 7, 'SOF width');
      const components = reader.u8(offset + 9, 'SOF components');
      if (precision !== 8)
        throw new MediaFormatProblem(`JPEG has ${precision}-bit samples; only 8-bit JPEG is read`);
      if (![1, 3, 4].includes(components)) {
        throw new MediaFormatProblem(`JPEG has ${components} colour components; 1, 3 or 4 are read`);
      }
      if (length !== 8 + 3 * components)
        throw new MediaFormatProblem('JPEG frame header length does not match its components');
      info = checkImageSize('image/jpeg', width, height, limits);
    }
    offset += 2 + length;
    if (marker === 0xda) {
      if (!info) throw new MediaFormatProblem('JPEG has image data (SOS) before its frame header');
      sawScan = true;
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart marker.
      while (offset < bytes.byteLength - 1) {
        const next = bytes[offset + 1] as number;
        if (bytes[offset] === 0xff && next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) break;
        offset++;
      }
      if (offset >= bytes.byteLength - 1)
        throw new MediaFormatProblem('JPEG is truncated: it has no EOI marker');
    }
  }
}
