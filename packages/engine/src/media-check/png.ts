import { crc32 } from 'node:zlib';
import { checkImageSize, type ImageInfo } from './image-size.js';
import type { MediaLimits } from './limits.js';
import { ByteReader, MediaFormatProblem } from './reader.js';

/** Bit depths PNG allows per colour type (PNG spec, table 11.1). */
const BIT_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Walks every chunk of a PNG: the signature, IHDR first with sane dimensions and a valid
 * colour type/bit depth, each chunk's length inside the file and its CRC right, at least one IDAT,
 * and IEND last with nothing after it. Garbage after a valid header fails a length or CRC check.
 */
export function inspectPng(bytes: Uint8Array, limits: MediaLimits): ImageInfo {
  const reader = new ByteReader(bytes, 'PNG');
  reader.need(0, 8, 'the signature');
  if (!PNG_SIGNATURE.every((value, index) => bytes[index] === value)) {
    throw new MediaFormatProblem('PNG signature is wrong (the file is corrupt or not a PNG)');
  }
  let offset = 8;
  let info: ImageInfo | undefined;
  let sawData = false;
  for (;;) {
    const length = reader.u32be(offset, 'a chunk length');
    const type = reader.ascii(offset + 4, 4, 'a chunk type');
    if (!/^[A-Za-z]{4}$/.test(type))
      throw new MediaFormatProblem(`PNG chunk at byte ${offset} has an invalid type`);
    if (length > 0x7fffffff || offset + 12 + length > bytes.byteLength) {
      throw new MediaFormatProblem(
        `PNG is truncated: chunk ${type} at byte ${offset} claims ${length} bytes but the file ends at ${bytes.byteLength}`,
      );
    }
    const crc = reader.u32be(offset + 8 + length, `the CRC of chunk ${type}`);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) {
      throw new MediaFormatProblem(`PNG chunk ${type} at byte ${offset} has a bad CRC (the file is corrupt)`);
    }
    if (!info && type !== 'IHDR') throw new MediaFormatProblem('PNG does not start with an IHDR chunk');
    if (type === 'IHDR') {
      if (info) throw new MediaFormatProblem('PNG has a second IHDR chunk');
      if (length !== 13) throw new MediaFormatProblem(`PNG IHDR is ${length} bytes, not 13`);
      const width = reader.u32be(offset + 8, 'IHDR width');
      const height = reader.u32be(offset + 12, 'IHDR height');
      const depth = reader.u8(offset + 16, 'IHDR bit depth');
      const colorType = reader.u8(offset + 17, 'IHDR colour type');
      const methods = [offset + 18, offset + 19].map((at) => reader.u8(at, 'IHDR methods'));
      const interlace = reader.u8(offset + 20, 'IHDR interlace');
      if (!BIT_DEPTHS[colorType]?.includes(depth)) {
        throw new MediaFormatProblem(`PNG IHDR has an invalid colour type ${colorType} / bit depth ${depth}`);
      }
      if (methods.some((method) => method !== 0) || interlace > 1) {
        throw new MediaFormatProblem('PNG IHDR names an unknown compression, filter or interlace method');
      }
      info = checkImageSize('image/png', width, height, limits);
    } else if (type === 'IDAT') {
      sawData = true;
    } else if (type === 'IEND') {
      if (!sawData) throw new MediaFormatProblem('PNG has no image data (IDAT chunk)');
      if (offset + 12 !== bytes.byteLength) {
        throw new MediaFormatProblem(`PNG has ${bytes.byteLength - offset - 12} bytes after its IEND chunk`);
      }
      return info as ImageInfo;
    }
    offset += 12 + length;
    if (offset >= bytes.byteLength) throw new MediaFormatProblem('PNG is truncated: it has no IEND chunk');
  }
}
