import { createEngine, type Engine, resolveModelSet } from '@hearth/model';

/**
 * The real stack for tests: the testkit's tiny random-weight Gemma 4 (with its unified mmproj, so
 * images and audio go into the model) behind the crash-isolated llama.node host, one thread.
 */
export async function startTinyEngine(preset = 'tiny'): Promise<Engine> {
  const set = await resolveModelSet({ model: preset });
  return createEngine({
    model: set.target,
    ...(set.mmproj ? { mmproj: set.mmproj } : {}),
    name: set.name,
    threads: 1,
    contextSize: 8192,
  });
}
