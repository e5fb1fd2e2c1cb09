import type { SuiteRun } from './reference-models.js';
import type { ResultRecord } from './result-record.js';
import {
  type Interval,
  mean,
  type PairedDifference,
  pairedBootstrap,
  passHatK,
  quantile,
  wilsonInterval,
} from './stats.js';

export interface Rate {
  correct: number;
  scored: number;
  /** correct / scored; null when nothing was scored. */
  rate: number | null;
  wilson95: Interval | null;
}

export interface ModelSummary {
  spec: string;
  engine: string;
  files: Array<{ path: string; size?: number; sha256?: string }>;
  /** Success over every case x trial of every suite. */
  successRate: number | null;
  wilson95: Interval | null;
  correct: number;
  scored: number;
  engineErrors: number;
  suites: Record<string, Rate>;
  /** Keyed `<suite>/<category>`. */
  categories: Record<string, Rate>;
  latencyMs: { p50: number | null; p95: number | null };
  /** Mean decode speed over answers that report one. */
  tokensPerSecond: number | null;
  promptTokens: number;
  completionTokens: number;
  mtp: { drafted: number; accepted: number; acceptanceRate: number | null } | null;
  /** Model turns per answer (1 for single-turn cases), over scored answers. */
  steps: { mean: number | null; max: number | null };
  /** The highest peak resident memory of the model host over the run, in bytes (null when not reported). */
  hostPeakRssBytes: number | null;
  /**
   * Cases x trials this model could not take (they need image or audio input it lacks), per suite: not
   * scored, shown as n/a. Empty when every case applied.
   */
  notApplicable: Record<string, { count: number; reason: string }>;
  /**
   * pass^k per suite for k = 1..trials (keyed by k): the chance that all k trials of a case succeed
   * (τ-bench's estimate); with one trial only pass^1, the success rate.
   */
  passHatK: Record<string, Record<string, number | null>>;
}

export interface Summary {
  createdAt: string;
  hearthCommit: string | null;
  seed: number;
  trials: number;
  suites: Record<
    string,
    {
      dataDir: string;
      cases: number;
      unscorable: Array<{ id: string; category: string; reason: string }>;
      skipped: Array<{ file: string; reason: string }>;
    }
  >;
  /** Keyed by model name, in the order the models were given (the first is the candidate). */
  models: Record<string, ModelSummary>;
  /** The first model minus the second on the same cases (success per case averaged over trials). */
  comparison: ({ first: string; second: string } & PairedDifference) | null;
}

/** Successes among scored outcomes, with the 95% Wilson interval. */
export function rateOf(outcomes: readonly boolean[]): Rate {
  const correct = outcomes.filter(Boolean).length;
  return {
    correct,
    scored: outcomes.length,
    rate: outcomes.length === 0 ? null : correct / outcomes.length,
    wilson95: wilsonInterval(correct, outcomes.length),
  };
}

const rate = (records: readonly ResultRecord[]) => rateOf(records.map((record) => record.correct));

function groupBy(
  records: readonly ResultRecord[],
  key: (record: ResultRecord) => string,
): Record<string, Rate> {
  const groups = new Map<string, ResultRecord[]>();
  for (const record of records) groups.set(key(record), [...(groups.get(key(record)) ?? []), record]);
  return Object.fromEntries([...groups].map(([name, group]) => [name, rate(group)]));
}

/** pass^1..pass^trials of each suite, from each case's successes over its trials. */
function passHatKBySuite(records: readonly ResultRecord[], trials: number): ModelSummary['passHatK'] {
  const bySuite = new Map<string, Map<string, { successes: number; trials: number }>>();
  for (const record of records) {
    const cases = bySuite.get(record.suite) ?? new Map();
    bySuite.set(record.suite, cases);
    const entry = cases.get(record.id) ?? { successes: 0, trials: 0 };
    cases.set(record.id, { successes: entry.successes + (record.correct ? 1 : 0), trials: entry.trials + 1 });
  }
  return Object.fromEntries(
    [...bySuite].map(([suite, cases]) => [
      suite,
      Object.fromEntries(
        Array.from({ length: trials }, (_, index) => [
          String(index + 1),
          passHatK([...cases.values()], index + 1),
        ]),
      ),
    ]),
  );
}

function modelSummary(
  model: { spec: string; engine: string; files: ModelSummary['files'] },
  allRecords: readonly ResultRecord[],
  trials: number,
): ModelSummary {
  const records = allRecords.filter((record) => !record.notApplicable);
  const notApplicable: ModelSummary['notApplicable'] = {};
  for (const record of allRecords)
    if (record.notApplicable)
      notApplicable[record.suite] = {
        count: (notApplicable[record.suite]?.count ?? 0) + 1,
        reason: record.notApplicable,
      };
  const steps = records.map((record) => record.steps ?? 1);
  const peaks = allRecords.flatMap((record) => (record.hostPeakRssBytes ? [record.hostPeakRssBytes] : []));
  const total = rate(records);
  const speeds = records.map((record) => record.tokensPerSecond).filter((speed) => speed > 0);
  const latencies = records.map((record) => record.latencyMs);
  const withMtp = records.filter((record) => record.mtp);
  const drafted = withMtp.reduce((sum, record) => sum + (record.mtp?.drafted ?? 0), 0);
  const accepted = withMtp.reduce((sum, record) => sum + (record.mtp?.accepted ?? 0), 0);
  return {
    ...model,
    successRate: total.rate,
    wilson95: total.wilson95,
    correct: total.correct,
    scored: total.scored,
    engineErrors: records.filter((record) => record.error).length,
    suites: groupBy(records, (record) => record.suite),
    categories: groupBy(records, (record) => `${record.suite}/${record.category}`),
    latencyMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
    tokensPerSecond: mean(speeds),
    promptTokens: records.reduce((sum, record) => sum + record.promptTokens, 0),
    completionTokens: records.reduce((sum, record) => sum + record.completionTokens, 0),
    mtp:
      withMtp.length === 0
        ? null
        : { drafted, accepted, acceptanceRate: drafted === 0 ? null : accepted / drafted },
    steps: { mean: mean(steps), max: steps.length === 0 ? null : Math.max(...steps) },
    hostPeakRssBytes: peaks.length === 0 ? null : Math.max(...peaks),
    notApplicable,
    passHatK: passHatKBySuite(records, trials),
  };
}

/** Each case's success averaged over trials, keyed by suite and case id. */
function perCase(records: readonly ResultRecord[]): Map<string, number> {
  const sums = new Map<string, { correct: number; count: number }>();
  for (const record of records) {
    const key = JSON.stringify([record.suite, record.id]);
    const entry = sums.get(key) ?? { correct: 0, count: 0 };
    sums.set(key, { correct: entry.correct + (record.correct ? 1 : 0), count: entry.count + 1 });
  }
  return new Map([...sums].map(([key, { correct, count }]) => [key, correct / count]));
}

/** summary.json from a run's records: rates with Wilson intervals, per category, and the paired difference of the first two models. */
export function summarize(input: {
  suites: readonly SuiteRun[];
  models: ReadonlyArray<{ name: string; spec: string; engine: string; files: ModelSummary['files'] }>;
  records: readonly ResultRecord[];
  trials: number;
  seed: number;
  hearthCommit: string | null;
}): Summary {
  const byModel = (name: string) => input.records.filter((record) => record.model === name);
  // Only cases both models could take are compared (an audio case n/a for one model is left out).
  const scoredBy = (name: string) => byModel(name).filter((record) => !record.notApplicable);
  const [first, second] = input.models;
  let comparison: Summary['comparison'] = null;
  if (first && second) {
    const a = perCase(scoredBy(first.name));
    const b = perCase(scoredBy(second.name));
    const pairs = [...a].flatMap(([key, score]) =>
      b.has(key) ? [[score, b.get(key) as number] as const] : [],
    );
    const paired = pairedBootstrap(pairs, { seed: input.seed });
    comparison = paired ? { first: first.name, second: second.name, ...paired } : null;
  }
  return {
    createdAt: new Date().toISOString(),
    hearthCommit: input.hearthCommit,
    seed: input.seed,
    trials: input.trials,
    suites: Object.fromEntries(
      input.suites.map(({ loaded }) => [
        loaded.suite,
        {
          dataDir: loaded.dataDir,
          cases: loaded.cases.length,
          unscorable: loaded.unscorable,
          skipped: loaded.skipped,
        },
      ]),
    ),
    models: Object.fromEntries(
      input.models.map((model) => [model.name, modelSummary(model, byModel(model.name), input.trials)]),
    ),
    comparison,
  };
}
