// @hearth/model: Gemma 4 engines (the Engine contract itself is @hearth/engine), the crash-isolated model
// host, model files, the OpenAI-compatible server and ChatHearth for LangChain.
export { type CreateEngineOptions, createEngine } from './engine/create-engine.js';
export { parseGemma4ToolCall } from './engine/llama-node/gemma4-output.js';
export {
  LlamaNodeEngine,
  type LlamaNodeEngineOptions,
} from './engine/llama-node/llama-node-engine.js';
export type { LlamaNodeRequestOptions } from './engine/llama-node/request-options.js';
export {
  loadNodeLlamaCppEngine,
  type NodeLlamaCppEngineOptions,
} from './engine/node-llama-cpp/node-llama-cpp-engine.js';
export { type OpenEngineSettings, openEngine } from './engine/open-engine.js';
export { connectOpenAIEngine, type OpenAIEngineOptions } from './engine/openai/openai-engine.js';
export type { OpenAIRequestOptions } from './engine/openai/request-options.js';
export { EngineBuildError } from './errors/engine-build-error.js';
export { type EngineCapability, EngineCapabilityError } from './errors/engine-capability-error.js';
export { EngineLoadError } from './errors/engine-load-error.js';
export { EngineNotBuiltError } from './errors/engine-not-built-error.js';
export { EngineOptionsError } from './errors/engine-options-error.js';
export { GenerationFailedError } from './errors/generation-failed-error.js';
export { MediaInputError } from './errors/media-input-error.js';
export { ModelCrashedError } from './errors/model-crashed-error.js';
export { ModelDownloadError, type ModelDownloadFailure } from './errors/model-download-error.js';
export { ModelMemoryError } from './errors/model-memory-error.js';
export { ModelNotFoundError } from './errors/model-not-found-error.js';
export { ModelOfflineError } from './errors/model-offline-error.js';
export { type ModelFileRole, ModelSetMismatchError } from './errors/model-set-mismatch-error.js';
export { OpenAIRequestError } from './errors/openai-request-error.js';
export { ServeConfigError } from './errors/serve-config-error.js';
export { ServeRequestError } from './errors/serve-request-error.js';
export { ToolChoiceError } from './errors/tool-choice-error.js';
export * from './files/index.js';
export { HostedEngine, type HostedEngineOptions } from './host/hosted-engine.js';
export { modelHostPeakMemory } from './host/peak-memory.js';
export { ChatHearth, type ChatHearthCallOptions, type ChatHearthInput } from './langchain/chat-hearth.js';
export { checkedEngine, checkGenerateRequest } from './media-check/check-request.js';
export {
  BUILD_TOOLS_INSTALL_HINT,
  type BuildNativeEngineOptions,
  buildNativeEngine,
  checkBuildTools,
  commandOnPath,
  findNativeBuild,
  type NativeBuildProgress,
  nativeBuildPlan,
} from './native/build-native-engine.js';
export { type CpuFeatures, cpuFeatures, llamaNodeSimdWarning } from './native/cpu-features.js';
export { chooseDefaultEngine, type DefaultEngineChoice } from './native/default-engine.js';
export type { NativeBuild } from './native/llama-cpp-source.js';
export { NativeEngine, type NativeEngineOptions } from './native/native-engine.js';
export {
  checkServeBinding,
  type OpenAIServer,
  type OpenAIServerOptions,
  startOpenAIServer,
} from './serve/openai-server.js';
