import type { EngineInfo, GenerateDelta, GenerateRequest, GenerateResult } from '@hearth/engine';
import type { LlamaNodeEngineOptions } from '../engine/llama-node/llama-node-engine.js';

/**
 * The messages between `HostedEngine` (parent) and the model host (child), over Node's IPC channel
 * with `serialization: 'advanced'` (structured clone, so media bytes travel as they are).
 */

/** A request as it crosses the process boundary: the abort signal becomes an `abort` message. */
export type HostGenerateRequest = Omit<GenerateRequest, 'signal'>;

export type ParentMessage =
  | { type: 'load'; options: LlamaNodeEngineOptions }
  | { type: 'generate'; id: number; request: HostGenerateRequest }
  | { type: 'abort'; id: number }
  | { type: 'close' };

export type ChildMessage =
  | { type: 'ready'; info: EngineInfo }
  | { type: 'load-failed'; error: SerializedError }
  /** Deltas in order, batched per event-loop turn (adjacent text merged). */
  | { type: 'deltas'; id: number; deltas: Exclude<GenerateDelta, { type: 'done' }>[] }
  | { type: 'result'; id: number; result: GenerateResult }
  | { type: 'failed'; id: number; error: SerializedError };

/**
 * An error as data: its class name, message, own fields, and the values under its `Symbol.for`
 * markers (a HearthError keeps its class names there, which `isInstance` checks), by symbol key.
 */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
  markers: Record<string, unknown>;
}

/** Flattens an error for IPC, keeping what typed-error checks (`X.isInstance`) need. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {}, markers: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    try {
      structuredClone(value);
      fields[key] = value;
    } catch {
      // Not cloneable (a native handle, say): the message still says what happened.
    }
  }
  const markers: Record<string, unknown> = {};
  for (const symbol of Object.getOwnPropertySymbols(error)) {
    const key = Symbol.keyFor(symbol);
    if (key !== undefined) markers[key] = (error as unknown as Record<symbol, unknown>)[symbol];
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    fields,
    markers,
  };
}

/**
 * Rebuilds an error sent by `serializeError`: same name, message and fields, and the same
 * `Symbol.for` markers with their values, so `ModelSetMismatchError.isInstance(e)` and friends hold in the parent.
 */
export function deserializeError(data: SerializedError): Error {
  const error = new Error(data.message);
  Object.defineProperty(error, 'name', {
    value: data.name,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  if (data.stack) error.stack = data.stack;
  Object.assign(error, data.fields);
  for (const [key, value] of Object.entries(data.markers))
    Object.defineProperty(error, Symbol.for(key), { value });
  return error;
}
