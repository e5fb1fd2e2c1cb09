import type { Engine } from '@hearth/engine';
import {
  type CreateEngineOptions,
  checkServeBinding,
  createEngine,
  type OpenAIServer,
  resolveModelSet,
  startOpenAIServer,
} from '@hearth/model';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { printJson } from '../output.js';

export interface ServeCommandOptions {
  engine: 'llama-node' | 'node-llama-cpp' | 'openai';
  model?: string;
  drafter?: string;
  mmproj?: string;
  baseUrl?: string;
  apiKey?: string;
  host: string;
  port: number;
  token?: string;
  modelId?: string;
  maxBodyMb: number;
  threads?: number;
  contextSize?: number;
  json?: boolean;
}

function integerIn(what: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max)
      throw new InvalidArgumentError(`expected ${what}, a whole number from ${min} to ${max}.`);
    return number;
  };
}

async function openEngine(options: ServeCommandOptions): Promise<Engine> {
  if (options.engine === 'openai') {
    if (!options.baseUrl || !options.model) {
      throw new UsageError('--engine openai needs --base-url <url> and --model <id as that server names it>');
    }
    return createEngine({
      engine: 'openai',
      baseUrl: options.baseUrl,
      model: options.model,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    });
  }
  if (!options.model) {
    throw new UsageError('--model <preset, hf: URI or .gguf path> is required');
  }
  const set = await resolveModelSet({
    model: options.model,
    ...(options.drafter ? { drafter: options.drafter } : {}),
    ...(options.mmproj ? { mmproj: options.mmproj } : {}),
  });
  const common = {
    model: set.target,
    name: set.name,
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.contextSize ? { contextSize: options.contextSize } : {}),
  };
  const engineOptions: CreateEngineOptions =
    options.engine === 'node-llama-cpp'
      ? { engine: 'node-llama-cpp', ...common }
      : {
          engine: 'llama-node',
          ...common,
          ...(set.drafter ? { drafter: set.drafter } : {}),
          ...(set.mmproj ? { mmproj: set.mmproj } : {}),
        };
  return createEngine(engineOptions);
}

/**
 * Starts `hearth serve`: loads the engine, then serves it over OpenAI's API. Exported for tests;
 * the returned `close` stops the server and releases the model.
 */
export async function startServe(
  options: ServeCommandOptions,
): Promise<{ server: OpenAIServer; engine: Engine; close(): Promise<void> }> {
  const token = options.token ?? process.env.HEARTH_SERVE_TOKEN;
  // Refuse an unsafe binding before spending time on the model.
  checkServeBinding({ host: options.host, port: options.port, token });
  const engine = await openEngine(options);
  let server: OpenAIServer;
  try {
    server = await startOpenAIServer({
      engine,
      host: options.host,
      port: options.port,
      maxBodyBytes: Math.round(options.maxBodyMb * 1024 * 1024),
      ...(token ? { token } : {}),
      ...(options.modelId ? { modelId: options.modelId } : {}),
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  return {
    server,
    engine,
    close: async () => {
      await server.close();
      await engine.close();
    },
  };
}

/** `hearth serve`: an OpenAI-compatible HTTP server over Hearth's engines. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve a model over the OpenAI Chat Completions API (/v1/models, /v1/chat/completions with streaming, ' +
        'tools, image and audio parts, response_format), so OpenAI clients can use local Gemma 4 with MTP. ' +
        'Binds 127.0.0.1; any other address needs --token. Runs until Ctrl-C.',
    )
    .option(
      '--model <model>',
      'preset (tiny, gemma-4-12b-mtp, ...), hf: URI or .gguf path; with --engine openai: the upstream model id',
    )
    .option('--drafter <path>', 'MTP drafter GGUF (overrides the preset)')
    .option('--mmproj <path>', 'multimodal projector GGUF (overrides the preset)')
    .addOption(
      new Option('--engine <engine>', 'engine behind the server')
        .choices(['llama-node', 'node-llama-cpp', 'openai'])
        .default('llama-node'),
    )
    .option('--base-url <url>', 'with --engine openai: the upstream server, e.g. http://127.0.0.1:11434/v1')
    .addOption(new Option('--api-key <key>', 'with --engine openai: upstream API key').env('OPENAI_API_KEY'))
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', integerIn('a port', 0, 65535), 8788)
    .addOption(new Option('--token <token>', 'bearer token clients must send').env('HEARTH_SERVE_TOKEN'))
    .option('--model-id <id>', 'model id clients use (default: the preset or file name)')
    .option('--max-body-mb <mb>', 'largest request body in MiB', integerIn('a size', 1, 1024), 32)
    .option('--threads <n>', 'CPU threads for the local engine', integerIn('a thread count', 1, 1024))
    .option('--context-size <tokens>', 'context window in tokens', integerIn('a token count', 256, 1_048_576))
    .option('--json', 'print {url, host, port, engine, model} as JSON once listening')
    .action(async (options: ServeCommandOptions) => {
      const { server, engine, close } = await startServe(options);
      const model = options.modelId ?? engine.info.model;
      if (options.json)
        printJson({ url: server.url, host: server.host, port: server.port, engine: options.engine, model });
      else process.stderr.write(`hearth serve: ${model} (${options.engine}) on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await close();
    });
}
