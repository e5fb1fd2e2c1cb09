/**
 * `npm run bench` (in packages/model, or at the root through turbo): three measurements, printed side
 * by side with their goals. Speeds are not asserted anywhere; this is where they are read.
 *
 * 1. Host overhead: decode tokens/s through Hearth's model host (child process, deltas over IPC)
 *    vs raw llama.node in this process: on the default `cycle` (sub-millisecond tokens, the worst
 *    case for per-token costs) and on the heavier `cycle` of the MTP section.
 * 2. MTP: decode tokens/s with and without the drafter on a compute-heavier `cycle` pair.
 * 3. Prefix reuse: prompt tokens evaluated at turn 10 of a conversation vs the whole context.
 * 4. (with a native build: `hearth engine build`) prefill and decode of each Hearth engine against
 *    llama.cpp's own `llama-bench` from the same build, on the same GGUF (the designed F16 pair).
 * 5. (with a native build) MTP on/off with the native engine on the designed F16 pair at 100% and
 *    about 80% draft accuracy, after what a k-token batch costs in single steps.
 * 6. (with a native build) the drafter's cost at the real vocabulary size: MTP on/off on the same
 *    designed pair with the testkit's 768 tokens and with Gemma 4's 262,144 (drafter-vocabulary.ts).
 *
 * Environment: HEARTH_BENCH_ROUNDS (default 3), HEARTH_BENCH_TOKENS (default 256),
 * HEARTH_BENCH_MTP_CYCLE (JSON CycleOptions, default F32 hidden 256, FFN 2048, 4 layers),
 * HEARTH_BENCH_DRAFT_MAX (default 8), HEARTH_BENCH_THREADS (default 1), HEARTH_BENCH_NATIVE_CYCLE
 * (JSON CycleOptions of sections 4-5, default F16 hidden 1024, FFN 4096, 8 layers: 216 MB),
 * HEARTH_BENCH_NATIVE_TOKENS (default 128), HEARTH_BENCH_NATIVE_DRAFT_MAX (default 4),
 * HEARTH_BENCH_VOCAB_CYCLE (JSON CycleOptions of section 6, default F16 hidden 256, FFN 1024, 4 layers).
 * The report goes to stdout; llama.cpp's load log (from the in-process contexts) goes to stderr,
 * so `npm run bench 2>/dev/null` shows the report alone.
 */

import type { Engine, GenerateRequest, Message } from '@hearth/engine';
import { type CycleOptions, makeTestkitModel } from '@hearth/testkit';
import { loadLlamaContext, type SlotCompletionOptions } from '../src/engine/llama-node/binding.js';
import { LlamaNodeEngine } from '../src/engine/llama-node/llama-node-engine.js';
import { toLlamaSampling } from '../src/engine/llama-node/sampling.js';
import { HostedEngine } from '../src/host/hosted-engine.js';
import { findNativeBuild } from '../src/native/build-native-engine.js';
import { drafterVocabularyCost, GEMMA4_VOCABULARY_SIZE } from './drafter-vocabulary.js';
import { enginesVsLlamaBench, nativeMtp } from './native.js';
import { fixed, median, table } from './report.js';

const rounds = Number(process.env.HEARTH_BENCH_ROUNDS ?? 3);
const tokens = Number(process.env.HEARTH_BENCH_TOKENS ?? 256);
const threads = Number(process.env.HEARTH_BENCH_THREADS ?? 1);
const draftMax = Number(process.env.HEARTH_BENCH_DRAFT_MAX ?? 8);
const mtpCycle: CycleOptions = JSON.parse(
  process.env.HEARTH_BENCH_MTP_CYCLE ??
    '{"hiddenSize":256,"layers":4,"feedForwardLength":2048,"weightType":"F32"}',
) as CycleOptions;

/** The raw side of the comparison decodes exactly as the engine does for `{greedy: true}`. */
const nativeCycle: CycleOptions = JSON.parse(
  process.env.HEARTH_BENCH_NATIVE_CYCLE ??
    '{"hiddenSize":1024,"layers":8,"feedForwardLength":4096,"weightType":"F16"}',
) as CycleOptions;
const nativeTokens = Number(process.env.HEARTH_BENCH_NATIVE_TOKENS ?? 128);
const nativeDraftMax = Number(process.env.HEARTH_BENCH_NATIVE_DRAFT_MAX ?? 4);
/** Small layers, so that the vocabulary-wide heads dominate at 262,144 tokens (target file ~280 MB). */
const vocabularyCycle: CycleOptions = JSON.parse(
  process.env.HEARTH_BENCH_VOCAB_CYCLE ??
    '{"hiddenSize":256,"layers":4,"feedForwardLength":1024,"weightType":"F16"}',
) as CycleOptions;
const greedy = toLlamaSampling({ greedy: true });
const prompt: Message[] = [{ role: 'user', content: 'abc' }];
/** Long enough that the conversation outgrows the testkit model's 512-token sliding window. */
const WORKSHOP_RULES = 'You are a terse assistant for a small workshop. Answer in one line. '.repeat(16);

interface DecodeRun {
  /** Tokens after the first one, per second of wall time from the first token to the end. */
  streamed: number;
  /** llama.node's own decode timing. */
  native: number;
}

/** Raw llama.node: its slot API, straight from this process, no Hearth code in the loop. */
async function rawDecode(model: string): Promise<() => Promise<DecodeRun>> {
  const context = await loadLlamaContext({
    model,
    n_ctx: 4096,
    n_batch: 512,
    n_threads: threads,
    n_parallel: 1,
  });
  await context.parallel.enable({ n_parallel: 1, n_batch: 512 });
  const formatted = context.getFormattedChat([{ role: 'user', content: 'abc' }], undefined, {
    jinja: true,
    enable_thinking: false,
  });
  return () =>
    new Promise<DecodeRun>((resolve, reject) => {
      let first = 0;
      let count = 0;
      const options: SlotCompletionOptions = {
        prompt: formatted.prompt,
        n_predict: tokens,
        speculative: false,
        ...greedy,
      };
      context.ctx.queueCompletion(options, (error, event) => {
        if (error) return reject(error);
        if (!event) return;
        if ('token' in event && event.token !== undefined) {
          if (count++ === 0) first = performance.now();
          return;
        }
        if ('timings' in event) {
          resolve({
            streamed: ((count - 1) * 1000) / (performance.now() - first),
            native: event.timings.predicted_per_second,
          });
        }
      });
    });
}

/** The same measurement through a Hearth engine's stream. */
function engineDecode(
  engine: Engine,
  request: Partial<GenerateRequest> = {},
): () => Promise<DecodeRun & { mtp?: { drafted: number; accepted: number } }> {
  return async () => {
    let first = 0;
    let count = 0;
    for await (const delta of engine.stream({
      messages: prompt,
      maxTokens: tokens,
      sampling: { greedy: true },
      ...request,
    })) {
      if (delta.type === 'text') {
        if (count === 0) first = performance.now();
        count += delta.text.length; // the cycle model writes one letter per token
      } else if (delta.type === 'done') {
        const { result } = delta;
        return {
          streamed: ((result.usage.completionTokens - 1) * 1000) / (performance.now() - first),
          native: result.timings.decodeTokensPerSecond,
          ...(result.mtp?.used
            ? { mtp: { drafted: result.mtp.drafted, accepted: result.mtp.accepted } }
            : {}),
        };
      }
    }
    throw new Error('stream ended without a result');
  };
}

async function hostOverhead(label: string, cycle: CycleOptions): Promise<number> {
  console.log(
    `\n1${label}. Host overhead: cycle ${JSON.stringify(cycle)}, greedy, ${tokens} tokens, median of ${rounds} interleaved rounds`,
  );
  const model = await makeTestkitModel('cycle', cycle);
  const raw = await rawDecode(model);
  const inProcess = await LlamaNodeEngine.load({ model, threads });
  const hosted = await HostedEngine.start({ model, threads });
  const runs: Record<'raw' | 'inProcess' | 'hosted', DecodeRun[]> = { raw: [], inProcess: [], hosted: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      runs.raw.push(await raw());
      runs.inProcess.push(await engineDecode(inProcess)());
      runs.hosted.push(await engineDecode(hosted)());
    }
  } finally {
    await inProcess.close();
    await hosted.close();
  }
  const summary = (list: DecodeRun[]) => ({
    streamed: median(list.map((run) => run.streamed)),
    native: median(list.map((run) => run.native)),
  });
  const rawSummary = summary(runs.raw);
  const rows = [['path', 'streamed tok/s', 'llama.node decode tok/s', 'vs raw']];
  for (const [name, list] of [
    ['raw llama.node, in-process', runs.raw],
    ['Hearth LlamaNodeEngine, in-process', runs.inProcess],
    ['Hearth HostedEngine (model host)', runs.hosted],
  ] as const) {
    const { streamed, native } = summary(list);
    rows.push([name, fixed(streamed), fixed(native), `${fixed(streamed / rawSummary.streamed, 2)}x`]);
  }
  table(rows);
  return summary(runs.hosted).streamed / rawSummary.streamed;
}

async function mtpSpeedup(): Promise<{ ratio: number; acceptance: number; batchAdvantage: number }> {
  console.log(
    `\n2. MTP: cycle + cycle-assistant ${JSON.stringify(mtpCycle)}, draft max ${draftMax}, greedy, ${tokens} tokens, median of ${rounds} interleaved rounds`,
  );
  const model = await makeTestkitModel('cycle', mtpCycle);
  const drafter = await makeTestkitModel('cycle-assistant', mtpCycle);
  const engine = await HostedEngine.start({ model, drafter, threads, draftMax });
  // Speculative decoding pays off when the target checks a batch of drafted tokens for about the
  // price of one; prefill speed over decode speed is that batch advantage on this machine.
  const long = await engine.generate({
    messages: [{ role: 'user', content: 'abc '.repeat(60) }],
    maxTokens: 32,
    sampling: { greedy: true },
    engineOptions: { 'llama-node': { mtp: false } },
  });
  const batchAdvantage = long.timings.prefillTokensPerSecond / long.timings.decodeTokensPerSecond;
  console.log(
    `  batch advantage of the target (prefill ${fixed(long.timings.prefillTokensPerSecond)} tok/s / decode ` +
      `${fixed(long.timings.decodeTokensPerSecond)} tok/s): ${fixed(batchAdvantage, 2)}x, the ceiling for any MTP speed-up here`,
  );
  const off: DecodeRun[] = [];
  const on: Awaited<ReturnType<ReturnType<typeof engineDecode>>>[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      off.push(await engineDecode(engine, { engineOptions: { 'llama-node': { mtp: false } } })());
      on.push(await engineDecode(engine, { engineOptions: { 'llama-node': { mtp: true } } })());
    }
  } finally {
    await engine.close();
  }
  const drafted = on.reduce((sum, run) => sum + (run.mtp?.drafted ?? 0), 0);
  const accepted = on.reduce((sum, run) => sum + (run.mtp?.accepted ?? 0), 0);
  const offSpeed = median(off.map((run) => run.native));
  const onSpeed = median(on.map((run) => run.native));
  table([
    ['decoding', 'llama.node decode tok/s', 'streamed tok/s', 'drafted', 'accepted'],
    ['plain', fixed(offSpeed), fixed(median(off.map((run) => run.streamed))), '-', '-'],
    ['MTP', fixed(onSpeed), fixed(median(on.map((run) => run.streamed))), String(drafted), String(accepted)],
  ]);
  return { ratio: onSpeed / offSpeed, acceptance: drafted > 0 ? accepted / drafted : 0, batchAdvantage };
}

async function prefixReuse(): Promise<{ evaluated: number; context: number; newTokens: number }> {
  console.log('\n3. Prefix reuse: a 10-turn conversation on tiny through the model host');
  const engine = await HostedEngine.start({ model: await makeTestkitModel('tiny'), threads });
  const messages: Message[] = [{ role: 'system', content: WORKSHOP_RULES }];
  const rows = [['turn', 'prompt tokens', 'cached', 'evaluated', 'new since last turn']];
  let previousPrompt = 0;
  let last = { evaluated: 0, context: 0, newTokens: 0 };
  try {
    for (let turn = 1; turn <= 10; turn++) {
      messages.push({ role: 'user', content: `Question ${turn}: what should I check next on the lathe?` });
      const result = await engine.generate({ messages, maxTokens: 8, sampling: { greedy: true } });
      const cached = result.usage.cachedPromptTokens ?? 0;
      const newTokens = result.usage.promptTokens - previousPrompt;
      last = { evaluated: result.usage.promptTokens - cached, context: result.usage.promptTokens, newTokens };
      rows.push([
        String(turn),
        String(result.usage.promptTokens),
        String(cached),
        String(last.evaluated),
        String(newTokens),
      ]);
      previousPrompt = result.usage.promptTokens;
      messages.push({ role: 'assistant', content: result.text });
    }
  } finally {
    await engine.close();
  }
  table(rows);
  return last;
}

console.log(`Hearth model benchmarks (${threads} thread(s)); numbers vary with machine load`);
// Worst case first: a model that decodes in well under a millisecond, where per-token costs show
// most; then the heavier model of the MTP section, closer to real models' per-token time.
const fastHostRatio = await hostOverhead('a', {});
const hostRatio = await hostOverhead('b', mtpCycle);
const mtp = await mtpSpeedup();
const prefix = await prefixReuse();
const build = await findNativeBuild();
const nativeSettings = { rounds, tokens: nativeTokens, threads };
const versus = build ? await enginesVsLlamaBench(build, nativeCycle, nativeSettings) : undefined;
const nativeMtpResults = build
  ? await nativeMtp(build, nativeCycle, [1, 0.8], nativeDraftMax, nativeSettings)
  : undefined;
const vocabularyCosts = build
  ? await drafterVocabularyCost(
      build,
      vocabularyCycle,
      [768, GEMMA4_VOCABULARY_SIZE],
      nativeDraftMax,
      nativeSettings,
    )
  : [];
if (!build)
  console.log("\n4-6. Native engine: skipped, no build for this machine (run 'hearth engine build')");
console.log('\nSummary');
const nativeRows =
  versus && nativeMtpResults
    ? [
        [
          'native decode / llama-bench (prefill)',
          `${fixed(versus.decodeRatio, 2)}x (${fixed(versus.prefillRatio, 2)}x); llama-node ${fixed(versus.llamaNodeDecodeRatio, 2)}x`,
          '>= 0.95x',
        ],
        ...nativeMtpResults.map((result) => [
          `native MTP on / off, draft accuracy ${fixed(result.accuracy * 100)}%`,
          `${fixed(result.ratio, 2)}x (acceptance ${fixed(result.acceptance * 100)}%, same text: ${result.identical ? 'yes' : 'NO'})`,
          result.accuracy === 1 ? '>= 1.8x' : '>= 1.5x',
        ]),
      ]
    : [];
table([
  ['measure', 'value', 'goal'],
  [
    'decode tok/s, model host / raw llama.node',
    `${fixed(hostRatio, 2)}x (fast-token worst case: ${fixed(fastHostRatio, 2)}x)`,
    '>= 0.95x',
  ],
  [
    'decode tok/s, llama-node MTP on / off',
    `${fixed(mtp.ratio, 2)}x (acceptance ${fixed(mtp.acceptance * 100)}%, batch advantage ${fixed(mtp.batchAdvantage, 2)}x)`,
    '>= 1.5x',
  ],
  [
    'prompt tokens evaluated at turn 10 / context',
    `${prefix.evaluated} / ${prefix.context} (${fixed((prefix.evaluated / prefix.context) * 100, 1)}%; ${prefix.newTokens} new since turn 9)`,
    'only the new turn + a few',
  ],
  ...nativeRows,
  ...vocabularyCosts.map((cost) => [
    `native MTP on / off at ${cost.vocabularySize.toLocaleString('en-US')} tokens`,
    `${fixed(cost.nativeSpeedup, 2)}x (${fixed(cost.msPerDraftedToken, 2)} ms per drafted token, ${fixed(cost.msPerPlainStep, 2)} per plain step; llama-node ${fixed(cost.llamaNodeSpeedup, 2)}x)`,
    'measured, no goal',
  ]),
]);
