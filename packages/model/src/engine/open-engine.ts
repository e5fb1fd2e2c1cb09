import type { Engine } from '@hearth/engine';
import { type ModelSpec, type ResolveModelSetOptions, resolveModelSet } from '../files/resolve.js';
import type { HostedEngineOptions } from '../host/hosted-engine.js';
import { createEngine } from './create-engine.js';

/** Engine settings that do not name files (those come from the model spec). */
export type OpenEngineSettings = Omit<HostedEngineOptions, 'model' | 'drafter' | 'mmproj' | 'name'>;

/**
 * A model spec (preset, `hf:` URI, URL or `.gguf` path) -> its files (downloaded when missing) -> the
 * default engine in Hearth's model host. The one-call path the CLI, tests and user programs share;
 * use `resolveModelSet` + `createEngine` to choose another engine.
 */
export async function openEngine(
  spec: ModelSpec,
  settings: OpenEngineSettings = {},
  resolveOptions: ResolveModelSetOptions = {},
): Promise<Engine> {
  const set = await resolveModelSet(spec, resolveOptions);
  return createEngine({
    ...settings,
    model: set.target,
    name: set.name,
    ...(set.drafter ? { drafter: set.drafter } : {}),
    ...(set.mmproj ? { mmproj: set.mmproj } : {}),
  });
}
