import type { AudioInfo } from './audio-info.js';
import { inspectGif } from './gif.js';
import type { ImageInfo } from './image-size.js';
import { inspectJpeg } from './jpeg.js';
import { defaultMediaLimits, type MediaLimits } from './limits.js';
import { MediaInputError } from './media-input-error.js';
import { inspectMp3 } from './mp3.js';
import { inspectPng, PNG_SIGNATURE } from './png.js';
import { MediaFormatProblem } from './reader.js';
import { inspectWav } from './wav.js';

export type MediaInfo = ImageInfo | AudioInfo;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((value, index) => bytes[index] === value);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** Formats recognised by their first bytes, with the header walk for those the engines decode. */
const FORMATS: ReadonlyArray<{
  kind: 'image' | 'audio';
  name: string;
  test: (bytes: Uint8Array) => boolean;
  inspect?: (bytes: Uint8Array, limits: MediaLimits) => MediaInfo;
}> = [
  { kind: 'image', name: 'PNG', test: (b) => startsWith(b, PNG_SIGNATURE.slice(0, 4)), inspect: inspectPng },
  { kind: 'image', name: 'JPEG', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]), inspect: inspectJpeg },
  { kind: 'image', name: 'GIF', test: (b) => ascii(b, 0, 4) === 'GIF8', inspect: inspectGif },
  { kind: 'image', name: 'WebP', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
  { kind: 'image', name: 'BMP', test: (b) => ascii(b, 0, 2) === 'BM' },
  {
    kind: 'audio',
    name: 'WAV',
    test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE',
    inspect: inspectWav,
  },
  { kind: 'audio', name: 'FLAC', test: (b) => ascii(b, 0, 4) === 'fLaC' },
  {
    kind: 'audio',
    name: 'MP3',
    test: (b) => ascii(b, 0, 3) === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0),
    inspect: inspectMp3,
  },
];

const ACCEPTED = { image: 'PNG, JPEG or GIF', audio: 'WAV (PCM or float) or MP3' } as const;

/**
 * The one media check in front of every engine: recognises the format from the bytes (never from
 * a name or MIME type), then walks its header and structure in plain JS with `limits` (image size,
 * sample rate, channels, duration, bytes) so that nothing llama.cpp would crash on, or spend
 * unbounded time and memory on, reaches it. Cost is linear in the bytes and decodes no pixels.
 *
 * @param source how to name the input in the message (a file name, `messages[0].content[1]`).
 * @returns the format and the numbers read from its header.
 * @throws MediaInputError naming the source, what is wrong and what is accepted.
 */
export function inspectMedia(
  bytes: Uint8Array,
  kind: 'image' | 'audio',
  options: { source?: string; limits?: Partial<MediaLimits> } = {},
): MediaInfo {
  const limits = { ...defaultMediaLimits, ...options.limits };
  const source = options.source ?? `the ${kind}`;
  const hint = `${kind} parts accept ${ACCEPTED[kind]}`;
  if (bytes.byteLength > limits.maxBytes) {
    throw new MediaInputError(
      `${source} is ${bytes.byteLength} bytes; at most ${limits.maxBytes} are accepted`,
      {
        hint: `send a smaller ${kind}`,
      },
    );
  }
  if (bytes.byteLength < 12) {
    throw new MediaInputError(`${source} is too short (${bytes.byteLength} bytes) to be ${kind}`, { hint });
  }
  const format = FORMATS.find((candidate) => candidate.test(bytes));
  if (!format || format.kind !== kind) {
    const looks = format ? ` (it looks like ${format.name} ${format.kind})` : '';
    throw new MediaInputError(`${source} is not ${kind === 'image' ? 'an image' : 'audio'}${looks}`, {
      hint,
    });
  }
  if (!format.inspect) {
    throw new MediaInputError(`${source} is ${format.name}, which Hearth's engines do not decode`, {
      hint: `convert it: ${hint}`,
    });
  }
  try {
    return format.inspect(bytes, limits);
  } catch (error) {
    if (!(error instanceof MediaFormatProblem)) throw error;
    throw new MediaInputError(`${source}: ${error.message}`, { hint });
  }
}
