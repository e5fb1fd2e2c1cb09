import { readFile } from 'node:fs/promises';
import { type MediaInput, MediaInputError } from '@hearth/engine';

/** How a media input is named in messages: the path, the start of a data URL, or the buffer's size. */
export function describeMedia(input: MediaInput): string {
  if (typeof input !== 'string') return `a ${input.byteLength}-byte buffer`;
  if (input.startsWith('data:')) return `a data URL (${input.slice(0, 40)}...)`;
  return `"${input}"`;
}

/**
 * The bytes of a media input: a `Uint8Array` as it is, a base64 `data:` URL decoded, a path or
 * `file://` URL read.
 *
 * @throws MediaInputError when the data URL is malformed or the file cannot be read.
 */
export async function mediaBytes(input: MediaInput): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  if (input.startsWith('data:')) {
    const comma = input.indexOf(',');
    if (comma < 0 || !input.slice(0, comma).endsWith(';base64')) {
      throw new MediaInputError(`${describeMedia(input)} is not a base64 data URL`, {
        hint: 'use data:<mime>;base64,<bytes>, a file path or a Buffer',
      });
    }
    return Buffer.from(input.slice(comma + 1), 'base64');
  }
  try {
    return await readFile(input.startsWith('file://') ? new URL(input) : input);
  } catch (error) {
    throw new MediaInputError(`cannot read media file ${describeMedia(input)}: ${(error as Error).message}`, {
      hint: 'check the path',
      cause: error,
    });
  }
}
