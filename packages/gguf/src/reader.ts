import { open, stat } from 'node:fs/promises';
import { GgufValidationError } from './gguf-validation-error.js';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  type GgufFileInfo,
  type GgufScalar,
  type GgufScalarType,
  type GgufTensorInfo,
  type GgufTypeName,
  type GgufValue,
  ggmlTypeLayout,
} from './types.js';

const typeNames: Record<number, GgufScalarType | 'array'> = {
  0: 'u8',
  1: 'i8',
  2: 'u16',
  3: 'i16',
  4: 'u32',
  5: 'i32',
  6: 'f32',
  7: 'bool',
  8: 'string',
  9: 'array',
  10: 'u64',
  11: 'i64',
  12: 'f64',
};

/** Signals that the header runs past the bytes read so far. */
class NeedMoreBytes extends Error {}

/** Sanity limits: a corrupt count must produce an error, not an attempt to allocate terabytes. */
const MAX_STRING_BYTES = 1 << 26;
const MAX_ENTRIES = 1 << 24;
const MAX_DIMENSIONS = 4;
/** llama.cpp's GGML_MAX_NAME: a tensor name must fit in 63 bytes plus its terminating zero. */
const MAX_TENSOR_NAME_BYTES = 63;

class Cursor {
  offset = 0;
  constructor(
    private readonly buffer: Buffer,
    private readonly endOfFile: boolean,
    private readonly fail: (message: string) => never,
  ) {}

  private need(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    if (this.endOfFile) this.fail(`the file ends inside its header (at byte ${this.offset})`);
    throw new NeedMoreBytes();
  }

  u32(): number {
    this.need(4);
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  u64(): bigint {
    this.need(8);
    const value = this.buffer.readBigUInt64LE(this.offset);
    this.offset += 8;
    return value;
  }

  count(what: string, limit: number): number {
    const value = this.u64();
    if (value > BigInt(limit)) this.fail(`${what} is ${value}, more than this reader accepts (${limit})`);
    return Number(value);
  }

  string(what: string): string {
    const length = this.count(`the length of ${what}`, MAX_STRING_BYTES);
    this.need(length);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  scalar(type: GgufScalarType, what: string): GgufScalar {
    if (type === 'string') return this.string(what);
    const sizes = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, bool: 1, u64: 8, i64: 8, f64: 8 };
    const size = sizes[type];
    this.need(size);
    const b = this.buffer;
    const at = this.offset;
    this.offset += size;
    switch (type) {
      case 'u8':
        return b.readUInt8(at);
      case 'i8':
        return b.readInt8(at);
      case 'u16':
        return b.readUInt16LE(at);
      case 'i16':
        return b.readInt16LE(at);
      case 'u32':
        return b.readUInt32LE(at);
      case 'i32':
        return b.readInt32LE(at);
      case 'f32':
        return b.readFloatLE(at);
      case 'bool':
        return b.readUInt8(at) !== 0;
      case 'u64':
        return b.readBigUInt64LE(at);
      case 'i64':
        return b.readBigInt64LE(at);
      case 'f64':
        return b.readDoubleLE(at);
    }
  }
}

function parseHeader(filePath: string, buffer: Buffer, endOfFile: boolean, fileSize: number): GgufFileInfo {
  const fail = (message: string, where: { key?: string; tensor?: string } = {}): never => {
    throw new GgufValidationError(`${filePath}: ${message}`, { filePath, ...where });
  };
  const cursor = new Cursor(buffer, endOfFile, fail);
  if (fileSize < 8 || buffer.readUInt32LE(0) !== GGUF_MAGIC) {
    fail('not a GGUF file (the first 4 bytes are not "GGUF"); pass a .gguf model file');
  }
  cursor.u32();
  const version = cursor.u32();
  if (version !== 2 && version !== 3) fail(`unsupported GGUF version ${version} (expected 3)`);
  const tensorCount = cursor.count('the tensor count', MAX_ENTRIES);
  const metadataCount = cursor.count('the metadata count', MAX_ENTRIES);

  const metadata: Record<string, GgufValue> = {};
  const metadataTypes: Record<string, GgufTypeName> = {};
  for (let i = 0; i < metadataCount; i++) {
    const key = cursor.string(`metadata key #${i}`);
    if (key in metadataTypes) fail(`metadata key "${key}" appears twice`, { key });
    const typeId = cursor.u32();
    const type = typeNames[typeId];
    if (type === undefined) fail(`metadata key "${key}" has unknown value type ${typeId}`, { key });
    if (type === 'array') {
      const itemTypeId = cursor.u32();
      const itemType = typeNames[itemTypeId];
      if (itemType === undefined || itemType === 'array') {
        fail(`metadata key "${key}" is an array of unsupported type ${itemTypeId}`, { key });
      }
      const scalarType = itemType as GgufScalarType;
      const length = cursor.count(`the length of array "${key}"`, MAX_ENTRIES);
      const items: GgufScalar[] = new Array(length);
      for (let j = 0; j < length; j++) items[j] = cursor.scalar(scalarType, `"${key}"[${j}]`);
      metadata[key] = items;
      metadataTypes[key] = `array<${scalarType}>`;
    } else {
      metadata[key] = cursor.scalar(type as GgufScalarType, `"${key}"`);
      metadataTypes[key] = type as GgufScalarType;
    }
  }

  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = cursor.string(`tensor name #${i}`);
    if (Buffer.byteLength(name) > MAX_TENSOR_NAME_BYTES) {
      fail(
        `tensor name #${i} ("${name.slice(0, 40)}...") is ${Buffer.byteLength(name)} bytes long; llama.cpp allows at most ${MAX_TENSOR_NAME_BYTES}`,
        { tensor: name },
      );
    }
    const dimensionCount = cursor.u32();
    if (dimensionCount < 1 || dimensionCount > MAX_DIMENSIONS) {
      fail(`tensor "${name}" has ${dimensionCount} dimensions (1 to ${MAX_DIMENSIONS} allowed)`, {
        tensor: name,
      });
    }
    const dimensions: number[] = [];
    for (let d = 0; d < dimensionCount; d++)
      dimensions.push(cursor.count(`a dimension of "${name}"`, 2 ** 40));
    const type = cursor.u32();
    const offset = Number(cursor.u64());
    const layout = ggmlTypeLayout[type];
    if (layout === undefined) fail(`tensor "${name}" has unknown ggml type ${type}`, { tensor: name });
    const elements = dimensions.reduce((product, dimension) => product * dimension, 1);
    const { blockSize, blockBytes } = layout as { blockSize: number; blockBytes: number };
    if ((dimensions[0] ?? 0) % blockSize !== 0) {
      fail(
        `tensor "${name}" has first dimension ${dimensions[0]}, not a multiple of the ${(layout as { name: string }).name} block size ${blockSize}`,
        { tensor: name },
      );
    }
    tensors.push({ name, dimensions, type, offset, byteSize: (elements / blockSize) * blockBytes });
  }

  const alignment = readAlignment(metadata, metadataTypes, fail);
  const dataOffset = Math.ceil(cursor.offset / alignment) * alignment;
  return { filePath, version, metadata, metadataTypes, tensors, alignment, dataOffset, fileSize };
}

/**
 * `general.alignment`, checked as llama.cpp reads it: it asserts (aborting the process) that the key is
 * a u32, and refuses a value that is not a power of two.
 */
function readAlignment(
  metadata: Record<string, GgufValue>,
  metadataTypes: Record<string, GgufTypeName>,
  fail: (message: string, where: { key?: string }) => never,
): number {
  const key = 'general.alignment';
  const type = metadataTypes[key];
  if (type === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (type !== 'u32')
    fail(`metadata key "${key}" has type ${type}, expected u32 (llama.cpp aborts on any other)`, { key });
  const value = metadata[key] as number;
  if (value === 0 || (value & (value - 1)) !== 0)
    fail(`metadata key "${key}" is ${value}, not a power of two`, { key });
  return value;
}

/**
 * Reads a GGUF file's header, metadata and tensor infos in pure JS (no native load). Reads only as
 * much of the file as the header needs. Throws GgufValidationError for a missing, non-GGUF or
 * truncated file.
 */
export async function readGgufFile(filePath: string): Promise<GgufFileInfo> {
  let fileSize: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new Error('not a regular file');
    fileSize = info.size;
  } catch (error) {
    throw new GgufValidationError(
      `${filePath}: model file not found or not readable (${(error as Error).message}); check the path or create the file (e.g. \`hearth testkit make\`)`,
      { filePath },
    );
  }
  const handle = await open(filePath, 'r');
  try {
    let chunk = Math.min(fileSize, 1 << 20);
    for (;;) {
      const buffer = Buffer.alloc(chunk);
      const { bytesRead } = await handle.read(buffer, 0, chunk, 0);
      try {
        return parseHeader(filePath, buffer.subarray(0, bytesRead), bytesRead >= fileSize, fileSize);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes)) throw error;
        chunk = Math.min(fileSize, chunk * 4);
      }
    }
  } finally {
    await handle.close();
  }
}
