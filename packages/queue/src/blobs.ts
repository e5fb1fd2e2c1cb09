// Media by content hash: attachments, tool media in the ledger and media in outputs are stored once in
// Postgres under their SHA-256, so a worker on any machine reads the same bytes. JSON holds references.
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** The record a byte array becomes in the queue's JSON columns: its only key, holding the hash. */
const blobKey = '$blob';

type Queryable = Pick<pg.Pool, 'query'>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Stores every byte array inside `value` in `hearth_blobs` and returns a JSON-ready copy holding
 * `{"$blob": "<sha256>"}` in their place (identical bytes are stored once).
 */
export async function storeBlobs(db: Queryable, value: unknown): Promise<unknown> {
  const found = new Map<string, Uint8Array>();
  const encode = (item: unknown): unknown => {
    if (item instanceof Uint8Array) {
      const sha256 = createHash('sha256').update(item).digest('hex');
      found.set(sha256, item);
      return { [blobKey]: sha256 };
    }
    if (Array.isArray(item)) return item.map(encode);
    if (!isPlainObject(item)) return item;
    return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, encode(entry)]));
  };
  const encoded = encode(value);
  for (const [sha256, bytes] of found) {
    await db.query(
      'insert into hearth_blobs (sha256, bytes) values ($1, $2) on conflict (sha256) do nothing',
      [sha256, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }
  return encoded;
}

/** The inverse of `storeBlobs`: every `{"$blob": hash}` replaced by its bytes (a plain `Uint8Array`). */
export async function loadBlobs(db: Queryable, value: unknown): Promise<unknown> {
  const hashes = new Set<string>();
  const collect = (item: unknown): void => {
    if (Array.isArray(item)) item.forEach(collect);
    else if (isPlainObject(item)) {
      const keys = Object.keys(item);
      if (keys.length === 1 && keys[0] === blobKey && typeof item[blobKey] === 'string')
        hashes.add(item[blobKey]);
      else Object.values(item).forEach(collect);
    }
  };
  collect(value);
  if (hashes.size === 0) return value;
  const { rows } = await db.query<{ sha256: string; bytes: Buffer }>(
    'select sha256, bytes from hearth_blobs where sha256 = any($1)',
    [[...hashes]],
  );
  const bytesBySha = new Map(
    rows.map((row) => [
      row.sha256,
      new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength),
    ]),
  );
  const decode = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(decode);
    if (!isPlainObject(item)) return item;
    const keys = Object.keys(item);
    if (keys.length === 1 && keys[0] === blobKey && typeof item[blobKey] === 'string') {
      const bytes = bytesBySha.get(item[blobKey]);
      if (!bytes) throw new Error(`blob ${item[blobKey]} is missing from hearth_blobs (deleted by hand?)`);
      return bytes;
    }
    return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, decode(entry)]));
  };
  return decode(value);
}
