import type { ContentPart, GenerateRequest, GenerateResult } from '@hearth/engine';
import {
  checkGenerateRequest,
  chooseDefaultEngine,
  createEngine,
  llamaNodeSimdWarning,
  resolveModelSet,
} from '@hearth/model';
import type { Command } from 'commander';
import { localEngineOption } from '../engine-option.js';
import { integerOption } from '../number-option.js';
import { ExitCode, printJson } from '../output.js';

export interface GenerateCommandOptions {
  model: string;
  drafter?: string;
  mmproj?: string;
  image: string[];
  audio: string[];
  prompt: string;
  system?: string;
  maxTokens: number;
  greedy?: boolean;
  mtp: boolean;
  think?: boolean;
  threads?: number;
  contextSize?: number;
  skipMemoryCheck?: boolean;
  /** `native` or `llama-node`; default: the fastest available. */
  engine?: 'native' | 'llama-node';
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The `--json` document: what the issue promises, plus the finish reason and model name. */
function jsonOutput(result: GenerateResult, engine: string) {
  return {
    engine,
    text: result.text,
    ...(result.reasoning ? { reasoning: result.reasoning } : {}),
    ...(result.toolCalls.length ? { toolCalls: result.toolCalls } : {}),
    finishReason: result.finishReason,
    model: result.model,
    usage: { promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens },
    timings: {
      prefillTokensPerSecond: result.timings.prefillTokensPerSecond,
      decodeTokensPerSecond: result.timings.decodeTokensPerSecond,
    },
    mtp: result.mtp?.used ? { drafted: result.mtp.drafted, accepted: result.mtp.accepted } : null,
  };
}

function statsLine(result: GenerateResult): string {
  const { usage, timings, mtp } = result;
  const cached = usage.cachedPromptTokens ? ` (${usage.cachedPromptTokens} cached)` : '';
  const mtpText = !mtp
    ? ''
    : mtp.used
      ? `, MTP ${mtp.accepted}/${mtp.drafted} drafted tokens accepted (${(mtp.acceptanceRate * 100).toFixed(0)}%)`
      : `, MTP not used: ${mtp.reason}`;
  return (
    `[${result.model}: ${usage.promptTokens} prompt tokens${cached} at ${timings.prefillTokensPerSecond.toFixed(0)} tok/s, ` +
    `${usage.completionTokens} generated at ${timings.decodeTokensPerSecond.toFixed(0)} tok/s${mtpText}; ${result.finishReason}]`
  );
}

/** Runs `hearth generate`; exported for tests. */
export async function generateCommand(options: GenerateCommandOptions): Promise<void> {
  const set = await resolveModelSet({
    model: options.model,
    ...(options.drafter ? { drafter: options.drafter } : {}),
    ...(options.mmproj ? { mmproj: options.mmproj } : {}),
  });
  const content: ContentPart[] = [
    ...options.image.map((image): ContentPart => ({ type: 'image', image })),
    ...options.audio.map((audio): ContentPart => ({ type: 'audio', audio })),
    { type: 'text', text: options.prompt },
  ];
  // The engine checks every request, but checking here refuses a bad --image/--audio file before
  // any model loads, naming the file.
  await checkGenerateRequest({ messages: [{ role: 'user', content }] });
  // Which engine and why goes to stderr (stdout stays the reply, or the JSON).
  const choice = options.engine ? undefined : await chooseDefaultEngine();
  const engineName = options.engine ?? choice?.engine ?? 'llama-node';
  const warning = engineName === 'llama-node' ? llamaNodeSimdWarning() : undefined;
  if (choice && !options.json) process.stderr.write(`[engine] ${choice.reason}\n`);
  if (warning) process.stderr.write(`[engine] warning: ${warning}\n`);
  const files = {
    model: set.target,
    name: set.name,
    // The native engine's MTP is set when its server starts: without MTP, it starts without the drafter.
    ...(set.drafter && (options.mtp || engineName === 'llama-node') ? { drafter: set.drafter } : {}),
    ...(set.mmproj ? { mmproj: set.mmproj } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.contextSize ? { contextSize: options.contextSize } : {}),
    ...(options.skipMemoryCheck ? { skipMemoryCheck: true } : {}),
  };
  const engine = await createEngine(
    engineName === 'native'
      ? { engine: 'native', ...files, ...(choice?.build ? { build: choice.build } : {}) }
      : { engine: 'llama-node', ...files },
  );
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  try {
    const request: GenerateRequest = {
      messages: [
        ...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
        { role: 'user', content },
      ],
      maxTokens: options.maxTokens,
      sampling: options.greedy ? { greedy: true } : {},
      engineOptions: { 'llama-node': { mtp: options.mtp } },
      thinking: Boolean(options.think),
      signal: controller.signal,
    };
    if (options.json) {
      printJson(jsonOutput(await engine.generate(request), engine.info.engine));
      return;
    }
    let reasoningOpen = false;
    for await (const delta of engine.stream(request)) {
      if (delta.type === 'reasoning') {
        process.stderr.write(reasoningOpen ? delta.text : `[thinking] ${delta.text}`);
        reasoningOpen = true;
      } else if (delta.type === 'text') {
        if (reasoningOpen) process.stderr.write('\n');
        reasoningOpen = false;
        process.stdout.write(delta.text);
      } else if (delta.type === 'tool-call') {
        process.stdout.write(`\n[tool call] ${delta.toolCall.name} ${JSON.stringify(delta.toolCall.args)}`);
      } else {
        process.stdout.write('\n');
        process.stderr.write(`${statsLine(delta.result)}\n`);
      }
    }
  } finally {
    process.off('SIGINT', interrupt);
    await engine.close();
  }
}

/** `hearth generate`: one reply from a local Gemma 4 model (native engine when built, else llama-node). */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description(
      'generate one reply with a local engine (native when `hearth engine build` made one, else llama-node; ' +
        'both in a model host process): text, images, audio, MTP. ' +
        'Streams the text to stdout and statistics to stderr, or prints one JSON object with --json.',
    )
    .requiredOption(
      '--model <model>',
      'target: a preset (tiny, cycle, gemma-4-12b[:QUANT], ...), hf: URI or .gguf path',
    )
    .option(
      '--drafter <model>',
      "MTP drafter: path, hf: URI or the preset's drafter name (default: the preset's)",
    )
    .option(
      '--mmproj <model>',
      "multimodal projector: path, hf: URI or the preset's mmproj name (default: the preset's)",
    )
    .option('--image <file>', 'attach an image (PNG, JPEG, GIF); repeatable', collect, [])
    .option('--audio <file>', 'attach an audio clip (WAV, MP3); repeatable', collect, [])
    .requiredOption('--prompt <text>', 'the user message')
    .option('--system <text>', 'a system message before it')
    .option('--max-tokens <n>', 'most tokens to generate', integerOption('a token count', 1), 256)
    .option('--greedy', 'deterministic decoding (temperature 0, top-k 1, no XTC/DRY)')
    .option('--no-mtp', 'decode without the MTP drafter even when the model set has one')
    .option('--think', 'turn Gemma 4 thinking on (the reasoning goes to stderr, or "reasoning" in --json)')
    .option(
      '--threads <n>',
      'CPU threads for llama.cpp (default: all cores but one)',
      integerOption('a thread count', 1),
    )
    .option('--context-size <n>', 'KV cache size in tokens (default 8192)', integerOption('a token count', 1))
    .option(
      '--skip-memory-check',
      'load even when the model set and context are estimated not to fit in memory (the OOM killer may end it)',
    )
    .addOption(localEngineOption())
    .option(
      '--json',
      'print {engine, text, usage: {promptTokens, completionTokens}, timings: {prefillTokensPerSecond, decodeTokensPerSecond}, mtp: {drafted, accepted} | null}',
    )
    .addHelpText(
      'after',
      `\nExit codes: ${ExitCode.success} done, ${ExitCode.failure} failure, ${ExitCode.usage} bad usage or media (unknown preset, missing file), ` +
        `${ExitCode.model} model failure (bad or mismatched file, too big for memory, model host crash).\n` +
        'Example: hearth generate --model cycle --prompt abc --greedy --json',
    )
    .action((options: GenerateCommandOptions) => generateCommand(options));
}
