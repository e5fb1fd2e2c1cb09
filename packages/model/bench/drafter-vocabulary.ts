/**
 * Section 6 of `npm run bench` (see index.ts): what the MTP drafter's full-vocabulary head costs.
 * llama.cpp's gemma4 drafter computes its tied output head over the whole vocabulary for every
 * drafted token. The testkit's 768 tokens hide that; Gemma 4 has 262,144. The same designed pair
 * (same hidden size and layers, same output) is measured at both sizes, MTP on and off.
 */

import type { Engine, GenerateRequest } from '@hearth/engine';
import { type CycleOptions, makeTestkitModel } from '@hearth/testkit';
import { HostedEngine } from '../src/host/hosted-engine.js';
import type { NativeBuild } from '../src/native/llama-cpp-source.js';
import { NativeEngine } from '../src/native/native-engine.js';
import type { BenchSettings } from './native.js';
import { fixed, median, table } from './report.js';

/** Gemma 4's vocabulary size. */
export const GEMMA4_VOCABULARY_SIZE = 262_144;

interface DecodeMeasure {
  /** Median decode tokens/s. */
  speed: number;
  /** Decode milliseconds, decode steps (one target batch each), drafted and accepted tokens, summed over the rounds. */
  decodeMs: number;
  steps: number;
  drafted: number;
  accepted: number;
}

type DecodeRun = { engine: Engine; request?: Partial<GenerateRequest> };

/**
 * Measures each run in interleaved rounds (off, on, off, on, ...), so a change in machine load hits
 * MTP on and off alike.
 */
async function measureDecode(settings: BenchSettings, runs: DecodeRun[]): Promise<DecodeMeasure[]> {
  const speeds = runs.map((): number[] => []);
  const sums = runs.map(() => ({ decodeMs: 0, steps: 0, drafted: 0, accepted: 0 }));
  for (let round = 0; round < settings.rounds; round++) {
    for (const [index, { engine, request }] of runs.entries()) {
      const result = await engine.generate({
        messages: [{ role: 'user', content: 'abc' }],
        maxTokens: settings.tokens,
        sampling: { greedy: true },
        ...request,
      });
      const sum = sums[index] ?? { decodeMs: 0, steps: 0, drafted: 0, accepted: 0 };
      speeds[index]?.push(result.timings.decodeTokensPerSecond);
      sum.decodeMs += result.timings.decodeMs;
      const accepted = result.mtp?.used ? result.mtp.accepted : 0;
      // The first token comes from the prefill; each decode step then yields its accepted drafts + 1.
      sum.steps += result.usage.completionTokens - 1 - accepted;
      sum.drafted += result.mtp?.used ? result.mtp.drafted : 0;
      sum.accepted += accepted;
    }
  }
  return sums.map((sum, index) => ({ speed: median(speeds[index] ?? []), ...sum }));
}

export interface VocabularyCost {
  vocabularySize: number;
  nativeSpeedup: number;
  llamaNodeSpeedup: number;
  /** Native engine: milliseconds of a plain decode step. */
  msPerPlainStep: number;
  /** Native engine: milliseconds each drafted token adds to a decode step (drafting + verifying it). */
  msPerDraftedToken: number;
}

/** What each drafted token adds to a step: MTP decode time less one plain step per step, per draft. */
function msPerDraftedToken(on: DecodeMeasure, msPerPlainStep: number): number {
  return on.drafted > 0 ? (on.decodeMs - on.steps * msPerPlainStep) / on.drafted : Number.NaN;
}

/**
 * Native engine and llama-node, MTP off and on, at each vocabulary size. A drafted token costs one
 * drafter step (its head spans the vocabulary) plus one more column of the target's verification
 * batch (whose head spans it too); an accepted one saves a plain step. So MTP pays off only while
 * the cost per drafted token stays well below a plain step's, and the growth of that cost from 768 to
 * 262,144 tokens is what the full-vocabulary heads cost.
 */
export async function drafterVocabularyCost(
  build: NativeBuild,
  cycle: CycleOptions,
  vocabularySizes: number[],
  draftMax: number,
  settings: BenchSettings,
): Promise<VocabularyCost[]> {
  console.log(
    `\n6. The drafter's cost at the real vocabulary size: cycle + cycle-assistant ${JSON.stringify(cycle)} ` +
      `at ${vocabularySizes.join(' and ')} tokens, draft max ${draftMax}, ${settings.threads} thread(s), greedy, ` +
      `${settings.tokens} tokens, median of ${settings.rounds}`,
  );
  const rows = [
    [
      'vocabulary',
      'engine',
      'plain tok/s',
      'MTP tok/s',
      'MTP on / off',
      'accepted',
      'ms / plain step',
      'ms / drafted token',
    ],
  ];
  const results: VocabularyCost[] = [];
  for (const vocabularySize of vocabularySizes) {
    const options = { ...cycle, vocabularySize };
    const model = await makeTestkitModel('cycle', options);
    const drafter = await makeTestkitModel('cycle-assistant', options);

    const plain = await NativeEngine.start({ model, threads: settings.threads, build });
    const drafting = await NativeEngine.start({ model, drafter, draftMax, threads: settings.threads, build });
    const hosted = await HostedEngine.start({ model, drafter, draftMax, threads: settings.threads });
    let measured: DecodeMeasure[];
    try {
      measured = await measureDecode(settings, [
        { engine: plain },
        { engine: drafting },
        { engine: hosted, request: { engineOptions: { 'llama-node': { mtp: false } } } },
        { engine: hosted, request: { engineOptions: { 'llama-node': { mtp: true } } } },
      ]);
    } finally {
      await Promise.all([plain.close(), drafting.close(), hosted.close()]);
    }
    const [nativeOff, nativeOn, llamaNodeOff, llamaNodeOn] = measured as [
      DecodeMeasure,
      DecodeMeasure,
      DecodeMeasure,
      DecodeMeasure,
    ];
    const llamaNode = { off: llamaNodeOff, on: llamaNodeOn };

    const perStep = (run: DecodeMeasure) => run.decodeMs / run.steps;
    const native = { plain: perStep(nativeOff), drafted: msPerDraftedToken(nativeOn, perStep(nativeOff)) };
    const llamaNodeDrafted = msPerDraftedToken(llamaNode.on, perStep(llamaNode.off));
    const accepted = (run: DecodeMeasure) =>
      run.drafted > 0 ? `${fixed((run.accepted / run.drafted) * 100)}%` : '-';
    const label = vocabularySize.toLocaleString('en-US');
    rows.push([
      label,
      'native',
      fixed(nativeOff.speed),
      fixed(nativeOn.speed),
      `${fixed(nativeOn.speed / nativeOff.speed, 2)}x`,
      accepted(nativeOn),
      fixed(native.plain, 2),
      fixed(native.drafted, 2),
    ]);
    rows.push([
      label,
      'llama-node (reference)',
      fixed(llamaNode.off.speed),
      fixed(llamaNode.on.speed),
      `${fixed(llamaNode.on.speed / llamaNode.off.speed, 2)}x`,
      accepted(llamaNode.on),
      fixed(perStep(llamaNode.off), 2),
      fixed(llamaNodeDrafted, 2),
    ]);
    results.push({
      vocabularySize,
      nativeSpeedup: nativeOn.speed / nativeOff.speed,
      llamaNodeSpeedup: llamaNode.on.speed / llamaNode.off.speed,
      msPerPlainStep: native.plain,
      msPerDraftedToken: native.drafted,
    });
  }
  table(rows);
  const [small, large] = [results[0], results.at(-1)];
  if (small && large && small !== large) {
    const size = (cost: VocabularyCost) => cost.vocabularySize.toLocaleString('en-US');
    console.log(
      `  native: a drafted token costs ${fixed(large.msPerDraftedToken, 2)} ms at ${size(large)} tokens ` +
        `(a plain step ${fixed(large.msPerPlainStep, 2)} ms) against ${fixed(small.msPerDraftedToken, 2)} ms at ` +
        `${size(small)} (a plain step ${fixed(small.msPerPlainStep, 2)} ms): the full-vocabulary heads add ` +
        `${fixed(large.msPerDraftedToken - small.msPerDraftedToken, 2)} ms to every drafted token, and MTP goes ` +
        `from ${fixed(small.nativeSpeedup, 2)}x to ${fixed(large.nativeSpeedup, 2)}x`,
    );
  }
  return results;
}
