import { findModelPreset } from '@hearth/model';
import type { Interval } from '../stats.js';
import type { ModelSummary, Summary } from '../summary.js';
import type { PublishedScore } from './published-reference.js';

export const percent = (value: number | null | undefined) =>
  value == null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
export const interval = (value: Interval | null) =>
  value === null ? 'n/a' : `${percent(value[0])} – ${percent(value[1])}`;
export const milliseconds = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)} ms`);
export const signedPoints = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} pts`;
export const mebibytes = (bytes: number | null | undefined) =>
  bytes == null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const tokensPerSecond = (value: number | null) => (value === null ? 'n/a' : value.toFixed(1));
export const mtpAcceptance = (mtp: ModelSummary['mtp']) =>
  mtp ? `${percent(mtp.acceptanceRate)} (${mtp.accepted}/${mtp.drafted})` : 'n/a';
export const meanSteps = (model: ModelSummary) =>
  model.steps?.mean == null ? 'n/a' : model.steps.mean.toFixed(2);

/** The cost columns both reports show, in this order: latency p50, latency p95, tokens/s, mean steps, peak memory, MTP accepted. */
export const costCells = (model: ModelSummary): string[] => [
  milliseconds(model.latencyMs.p50),
  milliseconds(model.latencyMs.p95),
  tokensPerSecond(model.tokensPerSecond),
  meanSteps(model),
  mebibytes(model.hostPeakRssBytes),
  mtpAcceptance(model.mtp),
];

/** A published Gemma 4 score as a table cell, or n/a where Google published none. */
export const publishedPercent = (value: number | null) => (value === null ? 'n/a' : value.toFixed(1));

/** The published reference's "closest suite" cell: the suite of this run, with the note that qualifies it. */
export const closestSuiteCell = (score: PublishedScore) =>
  `${score.closestSuite ?? '—'}${score.note ? ` (${score.note})` : ''}`;

/** A model's result on a category as a table cell: rate and counts, or n/a when it scored no case of it. */
export function categoryCell(model: ModelSummary, category: string): string {
  const entry = model.categories[category];
  return entry ? `${percent(entry.rate)} (${entry.correct}/${entry.scored})` : 'n/a';
}

/** A model's result on a suite as a table cell: rate and counts, or n/a with the reason. */
export function suiteCell(model: ModelSummary, suite: string): string {
  const rate = model.suites[suite];
  const notApplicable = model.notApplicable?.[suite];
  if (!rate || rate.scored === 0) return notApplicable ? `n/a (${notApplicable.reason})` : 'n/a';
  return `${percent(rate.rate)} (${rate.correct}/${rate.scored}${notApplicable ? `, ${notApplicable.count} n/a` : ''})`;
}

/**
 * Warnings a reader must see before any number: models with random weights (the testkit's), whose scores
 * are noise, and the reference models, whose scores check the suites rather than a model.
 */
export function readingNotes(summary: Summary): string[] {
  const names = Object.entries(summary.models);
  const random = names.filter(([, model]) => findModelPreset(model.spec)?.source === 'testkit');
  const reference = names.filter(([, model]) => model.spec === 'oracle' || model.spec === 'mutant');
  const notes: string[] = [];
  if (random.length > 0)
    notes.push(
      `${random.map(([name]) => name).join(', ')}: generated test models with random weights. Their scores are noise, ` +
        'a check that the whole stack runs, not a measure of any model.',
    );
  if (reference.length > 0)
    notes.push(
      `${reference.map(([name]) => name).join(', ')}: reference models (oracle: ground truth, must score 100%; ` +
        'mutant: ground truth with known faults, must score 0%). They check the suites, not a model.',
    );
  return notes;
}
