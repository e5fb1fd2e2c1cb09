// @hearth/engine: the contract every other Hearth package speaks. Types and a few dependency-free
// helpers only: importing it loads no native code and no other package.
export type * from './engine.js';
export { HearthError } from './hearth-error.js';
export { hearthHome } from './hearth-home.js';
export * from './media-check/index.js';
export { PushIterator } from './push-iterator.js';
export type * from './run.js';
export { runStatuses } from './run.js';
export * from './schema-check/index.js';
export { IncompleteStreamError, readStreamResult, streamGeneration } from './streams.js';
