import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { base64ToBytes, bytesToBase64 } from './media.js';
import { isPlainObject } from './plain-object.js';

type Serializer = BaseCheckpointSaver['serde'];

/**
 * The record a byte array becomes: its only key, holding the bytes as base64. The rows keep
 * LangGraph's `json` type (the SQLite saver wants a checkpoint and its metadata to share one type).
 */
const bytesKey = '$bytes64';

/**
 * Makes a checkpointer store byte arrays (attachments, media in tool results) as base64, about 1.33x
 * their size. LangGraph's serializer writes a `Uint8Array` as a JSON list of numbers, about 3.6x
 * its size, for every checkpoint that holds it. Checkpoints without bytes are written exactly as
 * before, and older checkpoints read as before. Bytes inside class instances (Map, Set, LangChain
 * objects) are left to LangGraph's own encoding.
 */
export function compactBytes<Saver extends BaseCheckpointSaver>(saver: Saver): Saver {
  saver.serde = compactBytesSerializer(saver.serde);
  return saver;
}

function compactBytesSerializer(inner: Serializer): Serializer {
  return {
    async dumpsTyped(value: unknown): Promise<[string, Uint8Array]> {
      if (value instanceof Uint8Array) return inner.dumpsTyped(value);
      let found = false;
      const encode = (item: unknown): unknown => {
        if (item instanceof Uint8Array) {
          found = true;
          return { [bytesKey]: bytesToBase64(item) };
        }
        if (Array.isArray(item)) return item.map(encode);
        if (!isPlainObject(item)) return item;
        return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, encode(entry)]));
      };
      const encoded = encode(value);
      return inner.dumpsTyped(found ? encoded : value);
    },
    async loadsTyped(type: string, data: Uint8Array | string): Promise<unknown> {
      const value = await inner.loadsTyped(type, data);
      return type === 'json' ? decode(value) : value;
    },
  };
}

function decode(item: unknown): unknown {
  if (Array.isArray(item)) return item.map(decode);
  if (!isPlainObject(item)) return item;
  const keys = Object.keys(item);
  if (keys.length === 1 && keys[0] === bytesKey && typeof item[bytesKey] === 'string')
    return base64ToBytes(item[bytesKey]);
  for (const key of keys) item[key] = decode(item[key]);
  return item;
}
