import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ContentPart } from '@hearth/engine';
import { z } from 'zod';
import { RunInputError } from './errors/run-input-error.js';

/**
 * Media bytes as graph state and checkpoints hold them. LangGraph's checkpoint serializer
 * (`JsonPlusSerializer`) writes a plain `Uint8Array` as a tagged record and revives it as one, but a
 * Node `Buffer` is a `Uint8Array` whose `toJSON` runs first, so it would come back from a checkpoint as
 * `{type: 'Buffer', data: [...]}`. Every path that puts media into a run (attachments, tool results on
 * their way to the model) passes its bytes through here: a plain view over the same memory, no copy.
 */
export function checkpointableBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A screenshot or a sound clip handed to a run: its bytes and MIME type, kept as they are in graph
 * state and checkpoints (see `checkpointableBytes`) and given to the model as an image/audio part,
 * never as a text description.
 */
export const attachmentSchema = z.object({
  kind: z.enum(['image', 'audio']),
  mimeType: z.string(),
  /** The file's bytes. */
  bytes: z
    .custom<Uint8Array>((value) => value instanceof Uint8Array, {
      error: 'attachment bytes must be a Uint8Array (or Buffer) holding the file',
    })
    .transform(checkpointableBytes),
  /** Where it came from (file name or tool name), for people reading events. */
  name: z.string().optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

const mimeTypes: Record<string, { kind: Attachment['kind']; mimeType: string }> = {
  '.png': { kind: 'image', mimeType: 'image/png' },
  '.jpg': { kind: 'image', mimeType: 'image/jpeg' },
  '.jpeg': { kind: 'image', mimeType: 'image/jpeg' },
  '.webp': { kind: 'image', mimeType: 'image/webp' },
  '.gif': { kind: 'image', mimeType: 'image/gif' },
  '.wav': { kind: 'audio', mimeType: 'audio/wav' },
  '.mp3': { kind: 'audio', mimeType: 'audio/mpeg' },
};

/**
 * Reads an image or audio file into an attachment.
 * @param expected when given, the file must be of this kind (`--image` must be an image).
 * @throws RunInputError when the file is missing or its extension is not a known image/audio type.
 */
export async function attachmentFromFile(path: string, expected?: Attachment['kind']): Promise<Attachment> {
  const type = mimeTypes[extname(path).toLowerCase()];
  if (!type) {
    throw new RunInputError(
      `${path}: unknown media type "${extname(path)}"; use one of ${Object.keys(mimeTypes).join(', ')}`,
    );
  }
  if (expected && type.kind !== expected) {
    throw new RunInputError(`${path} is ${type.kind}, but an ${expected} file was expected`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new RunInputError(`cannot read ${type.kind} file ${path}: ${(error as Error).message}`);
  }
  return {
    kind: type.kind,
    mimeType: type.mimeType,
    bytes: checkpointableBytes(bytes),
    name: basename(path),
  };
}

/** Wraps bytes already in memory (a fixture, a tool's screenshot) as an attachment. */
export function attachmentFromBytes(
  kind: Attachment['kind'],
  bytes: Uint8Array,
  mimeType: string,
  name?: string,
): Attachment {
  return { kind, mimeType, bytes: checkpointableBytes(bytes), ...(name ? { name } : {}) };
}

/** The engine-level message part for an attachment: its bytes and MIME type, as they are. */
export function attachmentToContentPart(attachment: Attachment): ContentPart {
  return attachment.kind === 'image'
    ? { type: 'image', image: attachment.bytes, mimeType: attachment.mimeType }
    : { type: 'audio', audio: attachment.bytes, mimeType: attachment.mimeType };
}

/** A user message's content: the text first, then every attachment as its own media part. */
export function userContent(text: string, attachments: readonly Attachment[] = []): string | ContentPart[] {
  if (attachments.length === 0) return text;
  return [{ type: 'text', text }, ...attachments.map(attachmentToContentPart)];
}
