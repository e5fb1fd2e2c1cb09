import type { Engine } from '@hearth/engine';
import { HostedEngine, type HostedEngineOptions } from '../host/hosted-engine.js';
import { checkedEngine } from '../media-check/check-request.js';
import { chooseDefaultEngine } from '../native/default-engine.js';
import { NativeEngine, type NativeEngineOptions } from '../native/native-engine.js';
import { LlamaNodeEngine } from './llama-node/llama-node-engine.js';
import {
  loadNodeLlamaCppEngine,
  type NodeLlamaCppEngineOptions,
} from './node-llama-cpp/node-llama-cpp-engine.js';
import { connectOpenAIEngine, type OpenAIEngineOptions } from './openai/openai-engine.js';

/** Which engine to make, with that engine's options; without `engine`, the fastest one available. */
export type CreateEngineOptions =
  | ({ engine: 'native' } & NativeEngineOptions)
  | ({
      engine?: 'llama-node';
      /**
       * `process` (default): run llama.node in a child process Hearth owns, so a native crash is a
       * `ModelCrashedError` and not the end of this process. `in-process`: load it here (faster
       * start, no IPC; for benchmarks and code that runs its own isolation).
       */
      isolation?: 'process' | 'in-process';
    } & HostedEngineOptions)
  | ({ engine: 'node-llama-cpp' } & NodeLlamaCppEngineOptions)
  | ({ engine: 'openai' } & OpenAIEngineOptions);

/**
 * Makes an engine: `native` (Gemma 4 with media, tools, JSON, MTP on llama.cpp built for this machine
 * by `hearth engine build`, its llama-server as the model host process), `llama-node` (the same
 * features on the prebuilt binding, in a model host process), `node-llama-cpp` (text, any GGUF) or
 * `openai` (any OpenAI-compatible server). Without `engine`: `native` when a build for this machine
 * is cached, else `llama-node` (`chooseDefaultEngine` says which and why).
 * Model files must be local paths here; resolve presets first with `resolveModelSet`.
 *
 * @throws the chosen engine's load errors (invalid files are refused before any native load).
 * Its `generate`/`stream` throw MediaInputError or JsonSchemaError for media or schemas refused by
 * `checkGenerateRequest`, before the engine sees the request.
 */
export async function createEngine(options: CreateEngineOptions): Promise<Engine> {
  const engine = await createUncheckedEngine(options);
  // Every engine sits behind the one request check (media, JSON Schemas). HostedEngine runs it
  // itself, in this process, before a request crosses to its host; LlamaNodeEngine runs it too.
  return engine instanceof HostedEngine || engine instanceof LlamaNodeEngine ? engine : checkedEngine(engine);
}

async function createUncheckedEngine(options: CreateEngineOptions): Promise<Engine> {
  switch (options.engine) {
    case 'node-llama-cpp': {
      const { engine: _engine, ...rest } = options;
      return loadNodeLlamaCppEngine(rest);
    }
    case 'openai': {
      const { engine: _engine, ...rest } = options;
      return connectOpenAIEngine(rest);
    }
    case 'native': {
      const { engine: _engine, ...rest } = options;
      return NativeEngine.start(rest);
    }
    default: {
      const { engine, isolation, ...rest } = options;
      if (engine === undefined && isolation !== 'in-process') {
        const choice = await chooseDefaultEngine();
        if (choice.build) return NativeEngine.start({ ...rest, build: choice.build });
      }
      if (isolation === 'in-process') {
        const { forwardNativeLog: _forward, ...engineOptions } = rest;
        return LlamaNodeEngine.load(engineOptions);
      }
      return HostedEngine.start(rest);
    }
  }
}
