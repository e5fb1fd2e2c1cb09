// `@hearth/planner/testing`: engines for testing agents and workflows.
export { RecordingEngine } from './recording-engine.js';
export { ScriptedEngine, type ScriptedReply, type ScriptedResponder } from './scripted-engine.js';
export { startTinyEngine } from './tiny-engine.js';
