import { createEngine, resolveModelSet } from '@hearth/model';
import type { EvalModel } from './harness.js';
import { mutantEngine, oracleEngine, type SuiteRun } from './reference-models.js';

export interface EvalModelOptions {
  /** `openai`: `spec` is a model id on the OpenAI-compatible server at `baseUrl`. Default: a local engine. */
  engine?: 'openai';
  baseUrl?: string;
  apiKey?: string;
}

/**
 * A model for `runEvals` from what a user typed: `oracle` or `mutant` (reference models built from the
 * loaded suites' answers), a model id on an OpenAI-compatible server (`engine: 'openai'`), or a preset,
 * `hf:` URI or `.gguf` path opened with the fastest local engine. A local model's files resolve (and
 * download when missing) here, before any case runs, so a misspelt second model fails before the first
 * has spent an hour; the engine loads only when the harness reaches the model.
 */
export async function evalModel(
  spec: string,
  runs: readonly SuiteRun[],
  options: EvalModelOptions = {},
): Promise<EvalModel> {
  if (spec === 'oracle') return { name: spec, spec, files: [], open: async () => oracleEngine(runs) };
  if (spec === 'mutant') return { name: spec, spec, files: [], open: async () => mutantEngine(runs) };
  if (options.engine === 'openai') {
    const baseUrl = options.baseUrl as string;
    return {
      name: spec,
      spec,
      files: [],
      open: () =>
        createEngine({
          engine: 'openai',
          baseUrl,
          model: spec,
          ...(options.apiKey ? { apiKey: options.apiKey } : {}),
        }),
    };
  }
  const set = await resolveModelSet({ model: spec });
  return {
    name: spec,
    spec,
    files: [set.target, ...(set.drafter ? [set.drafter] : []), ...(set.mmproj ? [set.mmproj] : [])],
    open: () =>
      createEngine({
        model: set.target,
        name: set.name,
        ...(set.drafter ? { drafter: set.drafter } : {}),
        ...(set.mmproj ? { mmproj: set.mmproj } : {}),
      }),
  };
}
