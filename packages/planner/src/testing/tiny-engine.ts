import { createEngine, type Engine, resolveModelSet } from '@hearth/model';

/**
 * The real stack for tests and benches: a testkit preset (default `tiny`: random-weight Gemma 4 with
 * its unified mmproj, so images and audio go into the model; generated locally, never downloaded)
 * in the crash-isolated llama.node host, on one thread.
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
