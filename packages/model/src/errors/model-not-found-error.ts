import { HearthError } from '@hearth/engine';

/**
 * Thrown by `resolveModelSet` when a model spec names nothing usable. The code says which way:
 * - `MODEL_UNKNOWN_PRESET`: a bare name that is no preset and no file (the message suggests the
 *   closest preset);
 * - `MODEL_UNKNOWN_QUANTIZATION`: a preset with a quantisation it does not have (the message lists
 *   those it has);
 * - `MODEL_FILE_NOT_FOUND`: a path (with a directory or a `.gguf` ending) where no file is;
 * - `MODEL_GENERATOR_MISSING`: a generated (testkit) preset in a program that registered no
 *   generator for it (`registerModelFileGenerator`).
 */
export class ModelNotFoundError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = [
    'MODEL_UNKNOWN_PRESET',
    'MODEL_UNKNOWN_QUANTIZATION',
    'MODEL_FILE_NOT_FOUND',
    'MODEL_GENERATOR_MISSING',
  ] as const;
  declare readonly code: (typeof ModelNotFoundError.codes)[number];
  /** The spec as given (`gemma-4-12b:Q9_9`, `./model.gguf`, ...). */
  readonly spec: string;

  constructor(code: (typeof ModelNotFoundError.codes)[number], spec: string, message: string) {
    super(code, message);
    this.spec = spec;
  }
}
