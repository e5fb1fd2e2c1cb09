export {
  type CycleOptions,
  defaultTestkitDir,
  makeTestkitFamily,
  makeTestkitModel,
  type TestkitModelName,
  type TestkitOptions,
  testkitModelNames,
} from './family.js';
// Media fixtures and codecs (PNG/WAV, Chromium screenshots, espeak-ng speech): see src/media/index.ts.
export * from './media/index.js';
export { expectedCycleText } from './models/cycle.js';
// Throwaway Redis and Postgres for queue tests and demos (`hearth testkit services`).
export * from './services/index.js';
