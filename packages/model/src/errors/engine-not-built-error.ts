import { HearthError } from '@hearth/engine';

/**
 * Thrown by `createEngine({engine: 'native'})` when no llama.cpp build for this machine and this
 * llama.cpp source is cached under `HEARTH_HOME` (run `hearth engine build` first).
 * Code `ENGINE_NOT_BUILT`.
 */
export class EngineNotBuiltError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['ENGINE_NOT_BUILT'] as const;
  /** Where the build was looked for. */
  readonly directory: string;

  constructor(directory: string) {
    super(
      'ENGINE_NOT_BUILT',
      `The native engine is not built for this machine (looked in ${directory}). ` +
        "Run 'hearth engine build' (a few minutes), or choose another engine (--engine llama-node).",
    );
    this.directory = directory;
  }
}
