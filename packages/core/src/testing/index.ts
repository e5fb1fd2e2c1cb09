// `@hearth/core/testing`: scripted engines and awkward tools for testing agents, workflows and servers.

export { exitTool, hangTool, pidTool, slowTool } from './fixture-tools.js';
export { RecordingEngine } from './recording-engine.js';
export { ScriptedEngine, type ScriptedReply, type ScriptedResponder } from './scripted-engine.js';
