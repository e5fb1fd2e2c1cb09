import { checkImageSize, type ImageInfo } from './image-size.js';
import type { MediaLimits } from './limits.js';
import { ByteReader, MediaFormatProblem } from './reader.js';

/**
 * Walks a GIF's blocks: the header, the logical screen (sane size), colour tables, every image
 * descriptor inside the screen limits, every extension and data sub-block inside the file, and the
 * trailer (0x3B). At least one image is required.
 */
export function inspectGif(bytes: Uint8Array, limits: MediaLimits): ImageInfo {
  const reader = new ByteReader(bytes, 'GIF');
  const version = reader.ascii(0, 6, 'the header');
  if (version !== 'GIF87a' && version !== 'GIF89a')
    throw new MediaFormatProblem('GIF header is not GIF87a/GIF89a');
  const info = checkImageSize(
    'image/gif',
    reader.u16le(6, 'screen width'),
    reader.u16le(8, 'screen height'),
    limits,
  );
  const flags = reader.u8(10, 'screen flags');
  let offset = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  let images = 0;
  const skipSubBlocks = () => {
    for (;;) {
      const size = reader.u8(offset, 'a data sub-block');
      offset += 1 + size;
      if (size === 0) return;
    }
  };
  for (;;) {
    const block = reader.u8(offset, 'a block');
    if (block === 0x3b) {
      if (images === 0) throw new MediaFormatProblem('GIF has no image');
      return info;
    }
    if (block === 0x21) {
      reader.u8(offset + 1, 'an extension label');
      offset += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      checkImageSize(
        'image/gif',
        reader.u16le(offset + 5, 'frame width'),
        reader.u16le(offset + 7, 'frame height'),
        limits,
      );
      const local = reader.u8(offset + 9, 'frame flags');
      offset += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0);
      const codeSize = reader.u8(offset, 'the LZW code size');
      if (codeSize < 2 || codeSize > 8)
        throw new MediaFormatProblem(`GIF frame has LZW code size ${codeSize}`);
      offset += 1;
      skipSubBlocks();
      images++;
    } else {
      throw new MediaFormatProblem(`GIF has an unknown block 0x${block.toString(16)} at byte ${offset}`);
    }
  }
}
