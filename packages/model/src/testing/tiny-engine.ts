import type { Engine } from '@hearth/engine';
import { openEngine } from '../engine/open-engine.js';

/**
 * The real stack for tests and benches: a testkit preset (default `tiny`: random-weight Gemma 4 with
 * its unified mmproj, so images and audio go into the model) in the crash-isolated llama.node host,
 * on one thread. The preset's files come from the generator registered with
 * `registerModelFileGenerator` (the testkit's `makeTestkitModel`).
 */
export async function startTinyEngine(preset = 'tiny'): Promise<Engine> {
  // Named, so what a test exercises does not depend on whether a native build is cached.
  return openEngine({ model: preset }, { engine: 'llama-node', threads: 1, contextSize: 8192 });
}
