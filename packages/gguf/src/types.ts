/** GGUF on-disk value type ids (gguf.h `gguf_type`). */
export const GgufValueTypeId = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

/** A scalar GGUF value type name. */
export type GgufScalarType = Exclude<keyof typeof GgufValueTypeId, 'array'>;

/** The type of one metadata value: a scalar type name, or `array<scalar>`. */
export type GgufTypeName = GgufScalarType | `array<${GgufScalarType}>`;

/** A decoded metadata value. 64-bit integers are `bigint`; arrays hold scalars. */
export type GgufScalar = number | bigint | boolean | string;
export type GgufValue = GgufScalar | GgufScalar[];

/** A metadata entry to write: the exact on-disk type is part of the entry, because llama.cpp checks it. */
export type GgufMetadataEntry =
  | { key: string; type: Exclude<GgufScalarType, 'bool' | 'string' | 'u64' | 'i64'>; value: number }
  | { key: string; type: 'u64' | 'i64'; value: bigint }
  | { key: string; type: 'bool'; value: boolean }
  | { key: string; type: 'string'; value: string }
  | { key: string; type: 'array'; itemType: GgufScalarType; value: GgufScalar[] };

/** ggml tensor types this package writes and knows the size of. */
export const GgmlType = {
  F32: 0,
  F16: 1,
  Q8_0: 8,
} as const;
export type GgmlTypeName = keyof typeof GgmlType;

/** Bytes per block and elements per block of a ggml type, for data-size checks. */
export const ggmlTypeLayout: Record<number, { name: string; blockSize: number; blockBytes: number }> = {
  0: { name: 'F32', blockSize: 1, blockBytes: 4 },
  1: { name: 'F16', blockSize: 1, blockBytes: 2 },
  2: { name: 'Q4_0', blockSize: 32, blockBytes: 18 },
  3: { name: 'Q4_1', blockSize: 32, blockBytes: 20 },
  6: { name: 'Q5_0', blockSize: 32, blockBytes: 22 },
  7: { name: 'Q5_1', blockSize: 32, blockBytes: 24 },
  8: { name: 'Q8_0', blockSize: 32, blockBytes: 34 },
  9: { name: 'Q8_1', blockSize: 32, blockBytes: 36 },
  10: { name: 'Q2_K', blockSize: 256, blockBytes: 84 },
  11: { name: 'Q3_K', blockSize: 256, blockBytes: 110 },
  12: { name: 'Q4_K', blockSize: 256, blockBytes: 144 },
  13: { name: 'Q5_K', blockSize: 256, blockBytes: 176 },
  14: { name: 'Q6_K', blockSize: 256, blockBytes: 210 },
  15: { name: 'Q8_K', blockSize: 256, blockBytes: 292 },
  16: { name: 'IQ2_XXS', blockSize: 256, blockBytes: 66 },
  17: { name: 'IQ2_XS', blockSize: 256, blockBytes: 74 },
  18: { name: 'IQ3_XXS', blockSize: 256, blockBytes: 98 },
  19: { name: 'IQ1_S', blockSize: 256, blockBytes: 50 },
  20: { name: 'IQ4_NL', blockSize: 32, blockBytes: 18 },
  21: { name: 'IQ3_S', blockSize: 256, blockBytes: 110 },
  22: { name: 'IQ2_S', blockSize: 256, blockBytes: 82 },
  23: { name: 'IQ4_XS', blockSize: 256, blockBytes: 136 },
  24: { name: 'I8', blockSize: 1, blockBytes: 1 },
  25: { name: 'I16', blockSize: 1, blockBytes: 2 },
  26: { name: 'I32', blockSize: 1, blockBytes: 4 },
  27: { name: 'I64', blockSize: 1, blockBytes: 8 },
  28: { name: 'F64', blockSize: 1, blockBytes: 8 },
  29: { name: 'IQ1_M', blockSize: 256, blockBytes: 56 },
  30: { name: 'BF16', blockSize: 1, blockBytes: 2 },
  34: { name: 'TQ1_0', blockSize: 256, blockBytes: 54 },
  35: { name: 'TQ2_0', blockSize: 256, blockBytes: 66 },
  39: { name: 'MXFP4', blockSize: 32, blockBytes: 17 },
};

/** A tensor as read from a GGUF file. `offset` is relative to the start of the data section. */
export interface GgufTensorInfo {
  name: string;
  /** ggml order: the first dimension is contiguous. */
  dimensions: number[];
  /** ggml type id (0 = F32, 1 = F16, 8 = Q8_0, ...). */
  type: number;
  offset: number;
  byteSize: number;
}

/** What `readGgufFile` returns. */
export interface GgufFileInfo {
  filePath: string;
  version: number;
  /** Decoded metadata values by key. */
  metadata: Record<string, GgufValue>;
  /** The on-disk type of every metadata value (`u32`, `f32`, `array<string>`, ...). */
  metadataTypes: Record<string, GgufTypeName>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset where tensor data begins. */
  dataOffset: number;
  fileSize: number;
}

/** GGUF default alignment of the data section and of each tensor's data. */
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const GGUF_MAGIC = 0x46554747; // "GGUF" little-endian
