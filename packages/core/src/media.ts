import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type ContentPart, defaultMediaLimits, inspectMedia } from '@hearth/engine';
import { z } from 'zod';
import { RunInputError } from './errors/run-input-error.js';
import { isPlainObject } from './plain-object.js';

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

/** Base64 of media bytes, for the JSON boundaries only (MCP arguments and content, `--input`). */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Decodes base64 from a JSON boundary into a plain `Uint8Array` (a view over the decoded memory, not a `Buffer`). */
export function base64ToBytes(base64: string): Uint8Array {
  return checkpointableBytes(Buffer.from(base64, 'base64'));
}

/** The longest base64 `data` a JSON attachment may carry: the engines' media size limit, encoded. */
const maxAttachmentBase64Length = Math.ceil(defaultMediaLimits.maxBytes / 3) * 4;

const attachmentFields = {
  kind: z.enum(['image', 'audio']),
  mimeType: z.string().min(1, 'give the MIME type of the file, e.g. image/png or audio/wav'),
  /** Where it came from (file name or tool name), for people reading events. */
  name: z.string().optional(),
};

/** How JSON callers send an attachment (MCP tool arguments, `hearth run --input`): the bytes as base64. */
const jsonAttachmentSchema = z.object({
  ...attachmentFields,
  data: z
    .base64({ error: "attachment data must be the file's bytes as base64 text (RFC 4648, no line breaks)" })
    .max(
      maxAttachmentBase64Length,
      `attachment data is too large: at most ${defaultMediaLimits.maxBytes} bytes (${maxAttachmentBase64Length} base64 characters)`,
    )
    .meta({
      contentEncoding: 'base64',
      description: `The file's bytes, base64-encoded; at most ${defaultMediaLimits.maxBytes} bytes.`,
    }),
});

/** The JSON Schema clients are shown for an attachment: only the JSON form, since JSON cannot hold bytes. */
const { $schema: _unused, ...jsonAttachmentJsonSchema } = z.toJSONSchema(jsonAttachmentSchema, {
  io: 'input',
});

/**
 * A screenshot or a sound clip handed to a run: its bytes and MIME type, kept as they are in graph
 * state and checkpoints (see `checkpointableBytes`) and given to the model as an image/audio part,
 * never as a text description. In-process callers pass `bytes`; callers that speak JSON (MCP
 * clients, `hearth run --input`) pass base64 `data` instead, decoded here, where the input is
 * parsed before the run starts: the one place JSON media becomes bytes.
 */
export const attachmentSchema = z
  .object({
    ...attachmentFields,
    /** The file's bytes (in-process callers). */
    bytes: z
      .custom<Uint8Array>((value) => value instanceof Uint8Array, {
        error: 'attachment bytes must be a Uint8Array (or Buffer) holding the file',
      })
      .optional(),
    /** The file's bytes as base64 (JSON callers). */
    data: jsonAttachmentSchema.shape.data.optional(),
  })
  .superRefine(({ bytes, data }, ctx) => {
    if ((bytes === undefined) === (data === undefined))
      ctx.addIssue({
        code: 'custom',
        message:
          bytes === undefined
            ? 'an attachment needs its file: `data` (base64) from JSON, or `bytes` (a Uint8Array) in-process'
            : 'give an attachment either `bytes` or base64 `data`, not both',
      });
  })
  .transform(({ bytes, data, ...rest }) => ({
    ...rest,
    bytes: bytes === undefined ? base64ToBytes(data as string) : checkpointableBytes(bytes),
  }))
  // JSON Schema is for JSON callers: advertise the base64 form (meta replaces what zod derives).
  .meta(jsonAttachmentJsonSchema);
export type Attachment = z.output<typeof attachmentSchema>;

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
 * @throws MediaInputError when its bytes fail `inspectMedia` (corrupt, truncated, another format, over a limit).
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
  // The same check every engine runs, here so a bad file is refused before the run starts.
  const { mimeType } = inspectMedia(bytes, type.kind, { source: path });
  return {
    kind: type.kind,
    mimeType,
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

/**
 * A value with its media taken out, for callers that read JSON (MCP clients, a model reading a tool
 * result): every attachment in it is listed in `media`, and in `value` its bytes are replaced by a
 * short note (`<N bytes, image/png>`), as are any other byte arrays, which JSON would otherwise
 * spell out as an object of numbered keys.
 */
export function takeMediaOut(value: unknown): { value: unknown; media: Attachment[] } {
  const media: Attachment[] = [];
  const walk = (item: unknown): unknown => {
    if (item instanceof Uint8Array) return `<${item.byteLength} bytes>`;
    if (Array.isArray(item)) return item.map(walk);
    if (!isPlainObject(item)) return item;
    if (isAttachment(item)) {
      media.push(item);
      return { ...item, bytes: `<${item.bytes.byteLength} bytes, ${item.mimeType}>` };
    }
    return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
  };
  return { value: walk(value), media };
}

function isAttachment(value: Record<string, unknown>): value is Attachment {
  return (
    (value.kind === 'image' || value.kind === 'audio') &&
    typeof value.mimeType === 'string' &&
    value.bytes instanceof Uint8Array
  );
}
