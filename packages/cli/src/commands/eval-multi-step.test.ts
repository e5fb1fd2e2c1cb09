import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvalResults, readEvalSummary } from './test-support/eval-output.js';
import { runHearthInProcess } from './test-support/run-in-process.js';

// The multi-step suites (stateful, planning) through `hearth eval`: agent loops with tools, scored by
// the end state they leave.

interface EpisodeRecord {
  suite: string;
  id: string;
  model: string;
  trial: number;
  correct: boolean;
  reason: string;
  errorType?: string;
  steps: number;
  output: { text: string };
  episode?: { transcript: Array<{ role: string }>; stopReason: string };
}

interface ModelSummary {
  successRate: number | null;
  scored: number;
  passHatK: { [suite: string]: { [k: string]: number | null } };
}

const readRecords = (out: string) => readEvalResults<EpisodeRecord>(out);

const summaryOf = (out: string) =>
  readEvalSummary<{
    models: { [name: string]: ModelSummary };
    trials: number;
    suites: { [name: string]: { cases: number } };
  }>(out);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cli-eval-multi-step-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hearth eval on the multi-step suites', () => {
  it('lists stateful and planning with their cases by category', async () => {
    const { stdout } = await runHearthInProcess(['eval', 'list', '--json']);
    const listing = JSON.parse(stdout) as Array<{
      name: string;
      cases: number;
      categories: Record<string, number>;
    }>;
    const stateful = listing.find((suite) => suite.name === 'stateful');
    const planning = listing.find((suite) => suite.name === 'planning');
    expect(stateful?.cases).toBeGreaterThanOrEqual(12);
    expect(Object.keys(stateful?.categories ?? {})).toContain('refuse');
    expect(planning?.cases).toBeGreaterThanOrEqual(8);
    expect(Object.keys(planning?.categories ?? {})).toContain('attachments');
  });

  it('scores the oracle 100% and the mutant 0% on every trial, with pass^k, each fault failing for its reason', async () => {
    const out = join(dir, 'oracle-mutant');
    const { stdout } = await runHearthInProcess([
      'eval',
      'run',
      '--suite',
      'stateful',
      '--suite',
      'planning',
      '--candidate',
      'oracle',
      '--baseline',
      'mutant',
      '--trials',
      '2',
      '--out',
      out,
      '--json',
    ]);
    expect(JSON.parse(stdout).out).toBe(out);
    const summary = summaryOf(out);
    const cases = (summary.suites.stateful?.cases ?? 0) + (summary.suites.planning?.cases ?? 0);
    expect(summary.models.oracle).toMatchObject({ successRate: 1, scored: 2 * cases });
    expect(summary.models.mutant).toMatchObject({ successRate: 0, scored: 2 * cases });
    expect(summary.models.oracle?.passHatK.stateful).toEqual({ '1': 1, '2': 1 });
    expect(summary.models.mutant?.passHatK.stateful).toEqual({ '1': 0, '2': 0 });
    for (const record of readRecords(out).filter((entry) => entry.model === 'mutant')) {
      const expected = /\(expect (.+)\)$/.exec(record.output.text)?.[1];
      expect(record.errorType, `${record.id}: ${record.output.text}: ${record.reason}`).toBe(expected);
    }
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| stateful | oracle | 100.0% | 100.0% |');
  });

  it('runs the tiny models through the agent loop end to end (random weights: no score is asserted)', async () => {
    const out = join(dir, 'tiny');
    await runHearthInProcess([
      'eval',
      '--suite',
      'stateful',
      '--suite',
      'planning',
      '--candidate',
      'tiny',
      '--baseline',
      'tiny-moe',
      '--cases',
      '2',
      '--max-tokens',
      '16',
      '--out',
      out,
    ]);
    const summary = summaryOf(out);
    expect(Object.keys(summary.models)).toEqual(['tiny', 'tiny-moe']);
    const records = readRecords(out);
    expect(records).toHaveLength(2 * 4);
    for (const record of records) {
      // Each answer went through the loop: at least one model turn, recorded turn by turn.
      expect(record.steps, `${record.model} ${record.id}: ${record.reason}`).toBeGreaterThanOrEqual(1);
      expect(record.episode?.transcript[0]?.role).toBe('user');
      expect(record.reason.length).toBeGreaterThan(0);
    }
    for (const file of ['report.md', 'summary.json', 'results.jsonl'])
      expect(existsSync(join(out, file))).toBe(true);
  });

  it('scores a stateful answers file by replaying its calls on a fresh database', async () => {
    const answers = join(dir, 'stateful-answers.jsonl');
    const lines = [
      {
        id: 'stock_damaged',
        calls: [{ name: 'adjust_stock', args: { sku: 'LAMP-01', delta: -2, reason: 'damaged' } }],
        text: 'Written off.',
      },
      {
        id: 'refuse_cancel_processing',
        calls: [{ name: 'cancel_order', args: { order_id: 'O-1006' } }],
        text: 'Cancelled.',
      },
    ];
    await writeFile(answers, lines.map((line) => JSON.stringify(line)).join('\n'));
    const { stdout } = await runHearthInProcess([
      'eval',
      'score',
      '--suite',
      'stateful',
      '--answers',
      answers,
      '--json',
    ]);
    const report = JSON.parse(stdout) as { cases: Array<{ id: string; correct: boolean; reason: string }> };
    const verdict = (id: string) => report.cases.find((entry) => entry.id === id);
    expect(verdict('stock_damaged')).toMatchObject({ correct: true });
    expect(verdict('refuse_cancel_processing')?.correct).toBe(false);
    expect(verdict('refuse_cancel_processing')?.reason).toContain(
      'orders O-1006: status is "cancelled", expected "processing"',
    );
    expect(verdict('lookup_stock')).toEqual({
      id: 'lookup_stock',
      correct: false,
      reason: 'no answer for this case in the answers file',
    });
  });
});
