import { HearthError } from '@hearth/engine';

/**
 * Thrown when the options given to an engine factory are not what it takes: an unknown key (often
 * another library's spelling, e.g. the openai SDK's `baseURL`), a missing required one or one of the
 * wrong type. The message names the option and, for a near miss, the one that was meant. Code
 * `ENGINE_OPTIONS`.
 */
export class EngineOptionsError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['ENGINE_OPTIONS'] as const;
  /** The function whose options were wrong, e.g. `connectOpenAIEngine`. */
  readonly factory: string;

  constructor(factory: string, problem: string) {
    super('ENGINE_OPTIONS', `${factory}: ${problem}`);
    this.factory = factory;
  }
}
