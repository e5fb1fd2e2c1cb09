import type { MediaLimits } from './limits.js';
import { MediaFormatProblem } from './reader.js';

export interface ImageInfo {
  kind: 'image';
  mimeType: string;
  width: number;
  height: number;
}

/** Refuses zero, too wide, too tall or too many pixels, naming the numbers and the limit. */
export function checkImageSize(
  mimeType: string,
  width: number,
  height: number,
  limits: MediaLimits,
): ImageInfo {
  if (width === 0 || height === 0) throw new MediaFormatProblem(`image is ${width}x${height} pixels (empty)`);
  if (width > limits.maxImageSide || height > limits.maxImageSide) {
    throw new MediaFormatProblem(
      `image is ${width}x${height} pixels; the largest side accepted is ${limits.maxImageSide}`,
    );
  }
  if (width * height > limits.maxImagePixels) {
    throw new MediaFormatProblem(
      `image is ${width}x${height} = ${width * height} pixels; at most ${limits.maxImagePixels} are accepted`,
    );
  }
  return { kind: 'image', mimeType, width, height };
}
