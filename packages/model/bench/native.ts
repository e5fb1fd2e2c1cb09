/**
 * The native engine's sections of `npm run bench` (see index.ts): each Hearth engine against
 * llama.cpp's own `llama-bench` built from the same source, on the same GGUF; and MTP on/off on the
 * designed F16 pair, after what a k-token batch costs in single steps (the ceiling of any MTP gain).
 */

import { spawnSync } from 'node:child_process';
import type { Engine } from '@hearth/engine';
import { type CycleOptions, makeTestkitModel } from '@hearth/testkit';
import { HostedEngine } from '../src/host/hosted-engine.js';
import type { NativeBuild } from '../src/native/llama-cpp-source.js';
import { NativeEngine } from '../src/native/native-engine.js';
import { fixed, median, table } from './report.js';

export interface BenchSettings {
  rounds: number;
  tokens: number;
  threads: number;
}

/** llama-bench's average tokens/s for a prompt of `prompt` tokens and for `generate` decoded tokens. */
function llamaBench(
  build: NativeBuild,
  model: string,
  settings: BenchSettings,
  prompt: number,
  generate: number,
): { prefill: number; decode: number } {
  const run = spawnSync(
    build.bench,
    [
      '-m',
      model,
      '-p',
      String(prompt),
      '-n',
      String(generate),
      '-t',
      String(settings.threads),
      '-r',
      String(settings.rounds),
      '-o',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`llama-bench failed: ${run.stderr.slice(-2000)}`);
  const results = JSON.parse(run.stdout) as Array<{ n_prompt: number; n_gen: number; avg_ts: number }>;
  return {
    prefill: results.find((result) => result.n_prompt > 0 && result.n_gen === 0)?.avg_ts ?? Number.NaN,
    decode: results.find((result) => result.n_gen > 0 && result.n_prompt === 0)?.avg_ts ?? Number.NaN,
  };
}

/** One round of prefill and decode tokens/s of an engine (the long prompt is never cached). */
async function engineRound(
  engine: Engine,
  settings: BenchSettings,
  round: number,
): Promise<{ prefill: number; decode: number; promptTokens: number }> {
  // A different first word each round, so no engine can serve the prompt from its cache.
  const long = await engine.generate({
    messages: [{ role: 'user', content: `${'xyz'.slice(round % 3)} ${'abc '.repeat(120)}` }],
    maxTokens: 1,
    sampling: { greedy: true },
  });
  const short = await engine.generate({
    messages: [{ role: 'user', content: 'abc' }],
    maxTokens: settings.tokens,
    sampling: { greedy: true },
  });
  return {
    prefill: long.timings.prefillTokensPerSecond,
    decode: short.timings.decodeTokensPerSecond,
    promptTokens: long.usage.promptTokens - (long.usage.cachedPromptTokens ?? 0),
  };
}

/**
 * Section 4: decode and prefill of each Hearth engine against llama-bench on the same file, in
 * interleaved rounds (llama-bench, native, llama-node), so a change in machine load hits all alike.
 * Returns the native engine's ratios (goal >= 0.95).
 */
export async function enginesVsLlamaBench(
  build: NativeBuild,
  cycle: CycleOptions,
  settings: BenchSettings,
): Promise<{ decodeRatio: number; prefillRatio: number; llamaNodeDecodeRatio: number }> {
  const model = await makeTestkitModel('cycle', cycle);
  console.log(
    `\n4. Engines vs llama.cpp's own llama-bench (${build.commit}, same build as the native engine): ` +
      `cycle ${JSON.stringify(cycle)}, ${settings.threads} thread(s), greedy, ${settings.tokens} tokens, ` +
      `median of ${settings.rounds} interleaved rounds`,
  );
  const native = await NativeEngine.start({ model, threads: settings.threads, build });
  const hosted = await HostedEngine.start({ model, threads: settings.threads });
  const runs = {
    reference: [] as Array<{ prefill: number; decode: number }>,
    native: [] as Array<{ prefill: number; decode: number; promptTokens: number }>,
    llamaNode: [] as Array<{ prefill: number; decode: number }>,
  };
  try {
    for (let round = 0; round < settings.rounds; round++) {
      const nativeRun = await engineRound(native, settings, round);
      runs.native.push(nativeRun);
      runs.reference.push(
        llamaBench(build, model, { ...settings, rounds: 1 }, nativeRun.promptTokens, settings.tokens),
      );
      runs.llamaNode.push(await engineRound(hosted, settings, round));
    }
  } finally {
    await native.close();
    await hosted.close();
  }
  const summary = (list: Array<{ prefill: number; decode: number }>) => ({
    prefill: median(list.map((run) => run.prefill)),
    decode: median(list.map((run) => run.decode)),
  });
  const reference = summary(runs.reference);
  const nativeSpeeds = summary(runs.native);
  const llamaNodeSpeeds = summary(runs.llamaNode);
  const promptTokens = runs.native[0]?.promptTokens ?? 0;
  const ratio = (value: number, of: number) => `${fixed(value / of, 2)}x`;
  table([
    ['engine', `prefill tok/s (~${promptTokens} tokens)`, 'vs llama-bench', 'decode tok/s', 'vs llama-bench'],
    ['llama-bench (llama.cpp itself)', fixed(reference.prefill), '1.00x', fixed(reference.decode), '1.00x'],
    [
      'Hearth native (llama-server host)',
      fixed(nativeSpeeds.prefill),
      ratio(nativeSpeeds.prefill, reference.prefill),
      fixed(nativeSpeeds.decode),
      ratio(nativeSpeeds.decode, reference.decode),
    ],
    [
      'Hearth llama-node (prebuilt, model host)',
      fixed(llamaNodeSpeeds.prefill),
      ratio(llamaNodeSpeeds.prefill, reference.prefill),
      fixed(llamaNodeSpeeds.decode),
      ratio(llamaNodeSpeeds.decode, reference.decode),
    ],
  ]);
  return {
    decodeRatio: nativeSpeeds.decode / reference.decode,
    prefillRatio: nativeSpeeds.prefill / reference.prefill,
    llamaNodeDecodeRatio: llamaNodeSpeeds.decode / reference.decode,
  };
}

/** Decode tokens/s of one engine: median over rounds of the engine's own decode timing. */
async function decodeSpeed(
  engine: Engine,
  settings: BenchSettings,
): Promise<{ speed: number; drafted: number; accepted: number; text: string }> {
  const speeds: number[] = [];
  let drafted = 0;
  let accepted = 0;
  let text = '';
  for (let round = 0; round < settings.rounds; round++) {
    const result = await engine.generate({
      messages: [{ role: 'user', content: 'abc' }],
      maxTokens: settings.tokens,
      sampling: { greedy: true },
    });
    speeds.push(result.timings.decodeTokensPerSecond);
    text = result.text;
    if (result.mtp?.used) {
      drafted += result.mtp.drafted;
      accepted += result.mtp.accepted;
    }
  }
  return { speed: median(speeds), drafted, accepted, text };
}

/**
 * Section 5: MTP on/off with the native engine on the designed pair, at each draft accuracy.
 * First: what verifying a batch of k = draftMax + 1 tokens costs in single decode steps
 * (llama-bench: k x decode tok/s / prefill-k tok/s); near k, drafting cannot win.
 */
export async function nativeMtp(
  build: NativeBuild,
  cycle: CycleOptions,
  accuracies: number[],
  draftMax: number,
  settings: BenchSettings,
): Promise<Array<{ accuracy: number; ratio: number; acceptance: number; identical: boolean }>> {
  const model = await makeTestkitModel('cycle', cycle);
  const k = draftMax + 1;
  console.log(
    `\n5. MTP with the native engine: cycle + cycle-assistant ${JSON.stringify(cycle)}, draft max ${draftMax}, ` +
      `${settings.threads} thread(s), greedy, ${settings.tokens} tokens, median of ${settings.rounds}`,
  );
  const batch = llamaBench(build, model, settings, k, settings.tokens);
  const batchCost = (k * batch.decode) / batch.prefill;
  console.log(
    `  a ${k}-token batch costs ${fixed(batchCost, 2)} single steps on this build ` +
      `(prefill-${k} ${fixed(batch.prefill)} tok/s, decode ${fixed(batch.decode)} tok/s)` +
      (batchCost > k * 0.8 ? ': about k, so MTP cannot win with this binary' : ': MTP can win'),
  );
  const plain = await NativeEngine.start({ model, threads: settings.threads, build });
  const off = await decodeSpeed(plain, settings).finally(() => plain.close());
  const rows = [['decoding', 'decode tok/s', 'vs plain', 'drafted', 'accepted', 'same text']];
  rows.push(['plain', fixed(off.speed), '1.00x', '-', '-', '-']);
  const results: Array<{ accuracy: number; ratio: number; acceptance: number; identical: boolean }> = [];
  for (const accuracy of accuracies) {
    const drafter = await makeTestkitModel('cycle-assistant', { ...cycle, draftAccuracy: accuracy });
    const engine = await NativeEngine.start({ model, drafter, draftMax, threads: settings.threads, build });
    const on = await decodeSpeed(engine, settings).finally(() => engine.close());
    const ratio = on.speed / off.speed;
    const acceptance = on.drafted > 0 ? on.accepted / on.drafted : 0;
    const identical = on.text === off.text;
    results.push({ accuracy, ratio, acceptance, identical });
    rows.push([
      `MTP, draft accuracy ${fixed(accuracy * 100)}%`,
      fixed(on.speed),
      `${fixed(ratio, 2)}x`,
      String(on.drafted),
      `${on.accepted} (${fixed(acceptance * 100)}%)`,
      identical ? 'yes' : 'NO',
    ]);
  }
  table(rows);
  return results;
}
