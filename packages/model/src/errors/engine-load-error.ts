const ENGINE_LOAD_ERROR = Symbol.for('@hearth/model/EngineLoadError');

/**
 * Thrown when an engine cannot start: the model file is missing or unreadable, the native library
 * refused it (node-llama-cpp only says "Failed to load model"; the reason it logged is added here),
 * or the OpenAI-compatible server could not be reached. `exitCode` 3 makes the CLI report a model
 * failure.
 */
export class EngineLoadError extends Error {
  override readonly name = 'EngineLoadError';
  readonly engine: string;
  readonly model: string;
  readonly exitCode = 3;
  readonly [ENGINE_LOAD_ERROR] = true;

  constructor(engine: string, model: string, reason: string, options?: { cause?: unknown }) {
    super(`The ${engine} engine could not load ${model}: ${reason}`, options);
    this.engine = engine;
    this.model = model;
  }

  /** True for an EngineLoadError, even one from another copy of this package. */
  static isInstance(value: unknown): value is EngineLoadError {
    return typeof value === 'object' && value !== null && ENGINE_LOAD_ERROR in value;
  }
}
