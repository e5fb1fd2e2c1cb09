import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GgmlType,
  type GgmlTypeName,
  type GgufMetadataEntry,
  type GgufScalar,
  type GgufScalarType,
  GgufValueTypeId,
} from './types.js';

/** A tensor to write. `data` holds F32 values in ggml order; it is converted to `type` on write. */
export interface GgufTensorInput {
  name: string;
  dimensions: number[];
  data: Float32Array;
  type?: GgmlTypeName;
}

const scalarBytes: Record<Exclude<GgufScalarType, 'string'>, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

/** Grows a byte buffer as values are appended (little-endian, as GGUF requires). */
class ByteSink {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const next = Buffer.alloc(size);
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  u32(value: number): void {
    this.reserve(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  u64(value: number | bigint): void {
    this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(value), this.length);
    this.length += 8;
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.bytes(bytes);
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  pad(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.reserve(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  scalar(type: GgufScalarType, value: GgufScalar): void {
    if (type === 'string') {
      this.string(String(value));
      return;
    }
    const size = scalarBytes[type];
    this.reserve(size);
    const at = this.length;
    const b = this.buffer;
    switch (type) {
      case 'u8':
        b.writeUInt8(Number(value), at);
        break;
      case 'i8':
        b.writeInt8(Number(value), at);
        break;
      case 'u16':
        b.writeUInt16LE(Number(value), at);
        break;
      case 'i16':
        b.writeInt16LE(Number(value), at);
        break;
      case 'u32':
        b.writeUInt32LE(Number(value), at);
        break;
      case 'i32':
        b.writeInt32LE(Number(value), at);
        break;
      case 'f32':
        b.writeFloatLE(Number(value), at);
        break;
      case 'bool':
        b.writeUInt8(value ? 1 : 0, at);
        break;
      case 'u64':
        b.writeBigUInt64LE(BigInt(value), at);
        break;
      case 'i64':
        b.writeBigInt64LE(BigInt(value), at);
        break;
      case 'f64':
        b.writeDoubleLE(Number(value), at);
        break;
    }
    this.length += size;
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Converts an F32 value to IEEE half precision bits (round to nearest even). */
const floatScratch = new Float32Array(1);
const bitsScratch = new Uint32Array(floatScratch.buffer);
function toHalfBits(value: number): number {
  floatScratch[0] = value;
  const bits = bitsScratch[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Encodes tensor data in the requested ggml type. */
function encodeTensor(tensor: GgufTensorInput): Uint8Array {
  const type = tensor.type ?? 'F32';
  const values = tensor.data;
  if (type === 'F32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (type === 'F16') {
    // Uint16Array is little-endian on every platform Node supports, as GGUF requires.
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i] ?? 0);
    return new Uint8Array(out.buffer);
  }
  // Q8_0: blocks of 32 values = one f16 scale + 32 int8 quants.
  const firstDimension = tensor.dimensions[0] ?? 0;
  if (firstDimension % 32 !== 0) {
    throw new Error(`tensor ${tensor.name}: Q8_0 needs the first dimension to be a multiple of 32`);
  }
  const blocks = values.length / 32;
  const out = Buffer.alloc(blocks * 34);
  for (let block = 0; block < blocks; block++) {
    let maxAbs = 0;
    for (let i = 0; i < 32; i++) maxAbs = Math.max(maxAbs, Math.abs(values[block * 32 + i] ?? 0));
    const scale = maxAbs / 127;
    const inverse = scale ? 1 / scale : 0;
    out.writeUInt16LE(toHalfBits(scale), block * 34);
    for (let i = 0; i < 32; i++) {
      out.writeInt8(Math.round((values[block * 32 + i] ?? 0) * inverse), block * 34 + 2 + i);
    }
  }
  return out;
}

/**
 * Serialises a GGUF v3 file: header, metadata, tensor infos, then each tensor's data padded to
 * 32 bytes (including after the last tensor, as llama.cpp expects).
 */
export function encodeGguf(metadata: GgufMetadataEntry[], tensors: GgufTensorInput[]): Buffer {
  const encoded = tensors.map((tensor) => {
    const elements = tensor.dimensions.reduce((product, dimension) => product * dimension, 1);
    if (elements !== tensor.data.length) {
      throw new Error(
        `tensor ${tensor.name}: ${tensor.data.length} values for dimensions [${tensor.dimensions.join(', ')}]`,
      );
    }
    return encodeTensor(tensor);
  });

  const sink = new ByteSink();
  sink.u32(GGUF_MAGIC);
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const entry of metadata) {
    sink.string(entry.key);
    if (entry.type === 'array') {
      sink.u32(GgufValueTypeId.array);
      sink.u32(GgufValueTypeId[entry.itemType]);
      sink.u64(entry.value.length);
      for (const item of entry.value) sink.scalar(entry.itemType, item);
    } else {
      sink.u32(GgufValueTypeId[entry.type]);
      sink.scalar(entry.type, entry.value);
    }
  }

  let offset = 0;
  tensors.forEach((tensor, index) => {
    sink.string(tensor.name);
    sink.u32(tensor.dimensions.length);
    for (const dimension of tensor.dimensions) sink.u64(dimension);
    sink.u32(GgmlType[tensor.type ?? 'F32']);
    sink.u64(offset);
    const size = encoded[index]?.length ?? 0;
    offset += Math.ceil(size / GGUF_DEFAULT_ALIGNMENT) * GGUF_DEFAULT_ALIGNMENT;
  });

  sink.pad(GGUF_DEFAULT_ALIGNMENT);
  for (const data of encoded) {
    sink.bytes(data);
    sink.pad(GGUF_DEFAULT_ALIGNMENT);
  }
  return sink.result();
}

/** Small constructors for metadata entries, so generator code reads like the key table. */
export const meta = {
  u32: (key: string, value: number): GgufMetadataEntry => ({ key, type: 'u32', value }),
  i32: (key: string, value: number): GgufMetadataEntry => ({ key, type: 'i32', value }),
  f32: (key: string, value: number): GgufMetadataEntry => ({ key, type: 'f32', value }),
  bool: (key: string, value: boolean): GgufMetadataEntry => ({ key, type: 'bool', value }),
  string: (key: string, value: string): GgufMetadataEntry => ({ key, type: 'string', value }),
  array: (key: string, itemType: GgufScalarType, value: GgufScalar[]): GgufMetadataEntry => ({
    key,
    type: 'array',
    itemType,
    value,
  }),
};
