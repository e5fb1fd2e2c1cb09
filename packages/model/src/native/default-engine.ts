import { findNativeBuild } from './build-native-engine.js';
import { cpuFeatures, llamaNodeSimdWarning } from './cpu-features.js';
import type { NativeBuild } from './llama-cpp-source.js';

/** The engine `createEngine` picks when none is named, and why. */
export interface DefaultEngineChoice {
  engine: 'native' | 'llama-node';
  /** One sentence for people: which engine and why it was chosen. */
  reason: string;
  /** Set when the engine's binary lacks SIMD this CPU has (it runs several times slower than it could). */
  warning?: string;
  /** The cached build, when the choice is `native`. */
  build?: NativeBuild;
}

/**
 * The fastest engine available for Gemma 4 with every feature: `native` when `hearth engine build`
 * has built llama.cpp for this machine and this llama.cpp source, else the prebuilt `llama-node`.
 */
export async function chooseDefaultEngine(): Promise<DefaultEngineChoice> {
  const build = await findNativeBuild().catch(() => undefined);
  if (build) {
    const simd = cpuFeatures().simd;
    return {
      engine: 'native',
      reason:
        `native: llama.cpp ${build.commit} built for this CPU${simd.length ? ` (${simd.join(', ')})` : ''} ` +
        `is cached in ${build.directory}`,
      build,
    };
  }
  const warning = llamaNodeSimdWarning();
  return {
    engine: 'llama-node',
    reason: "llama-node: no native build for this machine is cached (run 'hearth engine build' to make one)",
    ...(warning ? { warning } : {}),
  };
}
