import { HearthError } from '@hearth/engine';

/**
 * Thrown when an engine cannot start: the model file is missing or unreadable, the native library
 * refused it (node-llama-cpp only says "Failed to load model"; the reason it logged is added here),
 * or the OpenAI-compatible server could not be reached. Code `ENGINE_LOAD`.
 */
export class EngineLoadError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['ENGINE_LOAD'] as const;
  readonly engine: string;
  readonly model: string;

  constructor(engine: string, model: string, reason: string, options?: { cause?: unknown }) {
    super('ENGINE_LOAD', `The ${engine} engine could not load ${model}: ${reason}`, options);
    this.engine = engine;
    this.model = model;
  }
}
