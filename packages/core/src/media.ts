import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ContentPart } from '@hearth/engine';
import { z } from 'zod';
import { RunInputError } from './errors/run-input-error.js';

/**
 * A screenshot or a sound clip handed to a run. Stored base64 in graph state (so checkpoints stay
 * plain JSON) and given to the model as an image/audio part, never as a text description.
 */
export const attachmentSchema = z.object({
  kind: z.enum(['image', 'audio']),
  mimeType: z.string(),
  /** Base64 of the file's bytes. */
  data: z.string(),
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
  return { kind: type.kind, mimeType: type.mimeType, data: bytes.toString('base64'), name: basename(path) };
}

/** Wraps bytes already in memory (a fixture, a tool's screenshot) as an attachment. */
export function attachmentFromBytes(
  kind: Attachment['kind'],
  bytes: Uint8Array,
  mimeType: string,
  name?: string,
): Attachment {
  return { kind, mimeType, data: Buffer.from(bytes).toString('base64'), ...(name ? { name } : {}) };
}

/** The engine-level message part for an attachment: a `data:` URL the engine decodes itself. */
export function attachmentToContentPart(attachment: Attachment): ContentPart {
  const url = `data:${attachment.mimeType};base64,${attachment.data}`;
  return attachment.kind === 'image'
    ? { type: 'image', image: url, mimeType: attachment.mimeType }
    : { type: 'audio', audio: url, mimeType: attachment.mimeType };
}

/** A user message's content: the text first, then every attachment as its own media part. */
export function userContent(text: string, attachments: readonly Attachment[] = []): string | ContentPart[] {
  if (attachments.length === 0) return text;
  return [{ type: 'text', text }, ...attachments.map(attachmentToContentPart)];
}
