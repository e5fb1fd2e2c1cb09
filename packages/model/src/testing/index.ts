// `@hearth/model/testing`: the real inference stack on the testkit's generated models, for tests and benches.
export { startTinyEngine } from './tiny-engine.js';
