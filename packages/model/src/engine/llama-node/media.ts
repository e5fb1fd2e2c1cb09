import { readFile } from 'node:fs/promises';
import type { MediaInput } from '@hearth/engine';
import { MediaInputError } from '../../errors/media-input-error.js';

/** What the bytes start with, for the formats llama.cpp's media loader reads. */
const SIGNATURES: ReadonlyArray<{
  kind: 'image' | 'audio';
  mimeType: string;
  test: (b: Uint8Array) => boolean;
}> = [
  { kind: 'image', mimeType: 'image/png', test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47]) },
  { kind: 'image', mimeType: 'image/jpeg', test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { kind: 'image', mimeType: 'image/gif', test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { kind: 'image', mimeType: 'image/bmp', test: (b) => ascii(b, 0, 2) === 'BM' },
  {
    kind: 'image',
    mimeType: 'image/webp',
    test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  },
  {
    kind: 'audio',
    mimeType: 'audio/wav',
    test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE',
  },
  {
    kind: 'audio',
    mimeType: 'audio/mpeg',
    test: (b) => ascii(b, 0, 3) === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0),
  },
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((value, index) => bytes[index] === value);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.subarray(from, to)).toString('latin1');
}

function describe(input: MediaInput): string {
  if (typeof input !== 'string') return `a ${input.byteLength}-byte buffer`;
  if (input.startsWith('data:')) return `a data URL (${input.slice(0, 40)}...)`;
  return `"${input}"`;
}

async function bytesOf(input: MediaInput): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  if (input.startsWith('data:')) {
    const comma = input.indexOf(',');
    if (comma < 0 || !input.slice(0, comma).endsWith(';base64')) {
      throw new MediaInputError(`${describe(input)} is not a base64 data URL`, {
        hint: 'use data:<mime>;base64,<bytes>, a file path or a Buffer',
      });
    }
    return Buffer.from(input.slice(comma + 1), 'base64');
  }
  try {
    return await readFile(input.startsWith('file://') ? new URL(input) : input);
  } catch (error) {
    throw new MediaInputError(`cannot read media file ${describe(input)}: ${(error as Error).message}`, {
      hint: 'check the path',
      cause: error,
    });
  }
}

/**
 * Turns a media part (file path, `file://` URL, `data:` URL or bytes) into the `data:` URL that
 * llama.node reads, after checking the bytes really are an image or audio clip of a format it
 * decodes. Checking first matters: llama.node aborts the whole process on media it cannot open
 * (a missing file terminates it with an uncaught C++ exception), and audio must be a data URL.
 *
 * @throws MediaInputError when the input is unreadable, empty, or not the expected kind of media.
 */
export async function toMediaDataUrl(input: MediaInput, kind: 'image' | 'audio'): Promise<string> {
  const bytes = await bytesOf(input);
  if (bytes.byteLength < 12) {
    throw new MediaInputError(`${describe(input)} is too short (${bytes.byteLength} bytes) to be ${kind}`, {
      hint: 'pass a complete file',
    });
  }
  const format = SIGNATURES.find((signature) => signature.test(bytes));
  if (!format || format.kind !== kind) {
    const accepted = SIGNATURES.filter((signature) => signature.kind === kind)
      .map((signature) => signature.mimeType.split('/')[1])
      .join(', ');
    throw new MediaInputError(
      `${describe(input)} is not ${kind === 'image' ? 'an image' : 'audio'}${format ? ` (it looks like ${format.mimeType})` : ''}`,
      { hint: `${kind} parts accept ${accepted}` },
    );
  }
  return `data:${format.mimeType};base64,${Buffer.from(bytes).toString('base64')}`;
}
