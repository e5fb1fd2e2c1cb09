import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The SIMD extensions that matter to llama.cpp's CPU kernels, in the order they appeared. */
const SIMD_FLAGS = [
  'sse4_2',
  'avx',
  'f16c',
  'fma',
  'avx2',
  'avx_vnni',
  'avx512f',
  'avx512bw',
  'avx512_vnni',
  'avx512_bf16',
  'amx_tile',
  'asimd',
  'sve',
] as const;

export interface CpuFeatures {
  model: string;
  cores: number;
  /** Every flag the kernel reports for the first CPU (`/proc/cpuinfo`; empty where there is none). */
  flags: ReadonlySet<string>;
  /** The SIMD extensions among them that llama.cpp's kernels use. */
  simd: string[];
}

let cached: CpuFeatures | undefined;

/** This machine's CPU and its SIMD extensions, from `/proc/cpuinfo` on Linux. */
export function cpuFeatures(): CpuFeatures {
  if (cached) return cached;
  let flags = new Set<string>();
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(info);
    flags = new Set((line?.[1] ?? '').split(/\s+/).filter(Boolean));
  } catch {
    // not Linux: no flags to read; the native build still targets this CPU through the compiler
  }
  cached = {
    model: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    flags,
    simd: SIMD_FLAGS.filter((flag) => flags.has(flag)),
  };
  return cached;
}

/**
 * The SIMD extensions the prebuilt `@fugood/llama.node` binary uses on this platform. On linux-x64
 * (1.7.15) it has none: objdump finds no SSE4, AVX, AVX2, AVX-512, FMA or F16C instruction, and its
 * system info lists only `LLAMAFILE | OPENMP | REPACK` (measured; see the facts file). Elsewhere it is
 * not known, so nothing is claimed.
 */
export function prebuiltLlamaNodeSimd(): string[] | undefined {
  return process.platform === 'linux' && process.arch === 'x64' ? [] : undefined;
}

/**
 * A warning when the llama-node engine's binary lacks SIMD this CPU has (it then runs several times
 * slower than a build for this CPU); `undefined` when there is nothing to say.
 */
export function llamaNodeSimdWarning(): string | undefined {
  const used = prebuiltLlamaNodeSimd();
  if (!used) return undefined;
  const missing = cpuFeatures().simd.filter((flag) => !used.includes(flag));
  if (missing.length === 0) return undefined;
  return (
    `the prebuilt llama.node binary uses no SIMD, while this CPU has ${missing.join(', ')}; ` +
    "'hearth engine build' builds llama.cpp for this CPU (several times faster)"
  );
}
