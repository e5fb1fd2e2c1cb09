import type { Engine } from '@hearth/engine';
import { type ModelSpec, type ResolveModelSetOptions, resolveModelSet } from '../files/resolve.js';
import type { HostedEngineOptions } from '../host/hosted-engine.js';
import { createEngine } from './create-engine.js';

/**
 * Engine settings that do not name files (those come from the model spec), and which engine: `native`,
 * `llama-node`, or unset for the fastest available (see `createEngine`).
 */
export type OpenEngineSettings = Omit<HostedEngineOptions, 'model' | 'drafter' | 'mmproj' | 'name'> & {
  engine?: 'native' | 'llama-node';
};

/**
 * A model spec (preset, `hf:` URI, URL or `.gguf` path) -> its files (downloaded when missing) -> the
 * engine (`settings.engine`, default: the fastest available). The one-call path the CLI, tests and
 * user programs share; use `resolveModelSet` + `createEngine` for the other engines.
 */
export async function openEngine(
  spec: ModelSpec,
  settings: OpenEngineSettings = {},
  resolveOptions: ResolveModelSetOptions = {},
): Promise<Engine> {
  const set = await resolveModelSet(spec, resolveOptions);
  const { engine, ...rest } = settings;
  const files = {
    model: set.target,
    name: set.name,
    ...(set.drafter ? { drafter: set.drafter } : {}),
    ...(set.mmproj ? { mmproj: set.mmproj } : {}),
  };
  return engine === 'native'
    ? createEngine({ ...rest, ...files, engine })
    : createEngine({ ...rest, ...files, ...(engine ? { engine } : {}) });
}
