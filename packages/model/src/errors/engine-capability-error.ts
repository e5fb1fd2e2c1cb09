import { HearthError } from '@hearth/engine';

/** What the request asked for that the engine cannot do. */
export type EngineCapability = 'image' | 'audio' | 'tools' | 'jsonSchema' | 'thinking' | 'mtp';

/**
 * Thrown by an engine's `generate`/`stream` when the request needs something the engine cannot do,
 * for example an image part sent to the text-only `node-llama-cpp` engine. The message names the
 * engine, the missing capability and the engine that has it, so the caller can switch. Code
 * `ENGINE_CAPABILITY`.
 */
export class EngineCapabilityError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['ENGINE_CAPABILITY'] as const;
  readonly engine: string;
  readonly capability: EngineCapability;

  constructor(engine: string, capability: EngineCapability, hint: string) {
    super('ENGINE_CAPABILITY', `The ${engine} engine cannot take ${capability} input: ${hint}`);
    this.engine = engine;
    this.capability = capability;
  }
}
