const ENGINE_CAPABILITY_ERROR = Symbol.for('@hearth/model/EngineCapabilityError');

/** What the request asked for that the engine cannot do. */
export type EngineCapability = 'image' | 'audio' | 'tools' | 'jsonSchema' | 'thinking' | 'mtp';

/**
 * Thrown by an engine's `generate`/`stream` when the request needs something the engine cannot do,
 * for example an image part sent to the text-only `node-llama-cpp` engine. The message names the
 * engine, the missing capability and the engine that has it, so the caller can switch.
 */
export class EngineCapabilityError extends Error {
  override readonly name = 'EngineCapabilityError';
  readonly engine: string;
  readonly capability: EngineCapability;
  readonly [ENGINE_CAPABILITY_ERROR] = true;

  constructor(engine: string, capability: EngineCapability, hint: string) {
    super(`The ${engine} engine cannot take ${capability} input: ${hint}`);
    this.engine = engine;
    this.capability = capability;
  }

  /** True for an EngineCapabilityError, even one from another copy of this package. */
  static isInstance(value: unknown): value is EngineCapabilityError {
    return typeof value === 'object' && value !== null && ENGINE_CAPABILITY_ERROR in value;
  }
}
