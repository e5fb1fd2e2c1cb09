const MODEL_NOT_FOUND_ERROR = Symbol.for('@hearth/model/ModelNotFoundError');

/**
 * Thrown by `resolveModelSet` when a model spec names nothing usable: an unknown preset, an unknown
 * quantisation of a preset, or a local path that does not exist. The message lists what would work.
 * `exitCode` 3 makes the CLI report a model failure.
 */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
  /** The spec as given (`gemma-4-12b:Q9_9`, `./model.gguf`, ...). */
  readonly spec: string;
  readonly exitCode = 3;
  readonly [MODEL_NOT_FOUND_ERROR] = true;

  constructor(spec: string, message: string) {
    super(message);
    this.spec = spec;
  }

  /** True for a ModelNotFoundError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ModelNotFoundError {
    return typeof value === 'object' && value !== null && MODEL_NOT_FOUND_ERROR in value;
  }
}
