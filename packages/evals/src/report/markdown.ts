import type { Summary } from '../summary.js';
import {
  categoryCell,
  closestSuiteCell,
  costCells,
  interval,
  percent,
  publishedPercent,
  readingNotes,
  signedPoints,
  suiteCell,
} from './format.js';
import { publishedScores } from './published-reference.js';

/** report.md: the summary as tables a person reads (summary.json holds the same numbers for programs). */
export function renderReportMarkdown(summary: Summary): string {
  const models = Object.entries(summary.models);
  const suites = Object.keys(summary.suites);
  const lines = [
    '# Hearth eval report',
    '',
    `Run ${summary.createdAt}, Hearth ${summary.hearthCommit ?? 'commit unknown'}, seed ${summary.seed}, ${summary.trials} trial(s) per case.`,
    '',
    ...readingNotes(summary).map((note) => `> **Note.** ${note}\n`),
    '## Success',
    '',
    '| Model | Engine | Success | 95% interval (Wilson) | Scored | Latency p50 | Latency p95 | Tokens/s | Steps (mean) | Peak memory | MTP accepted |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...models.map(
      ([name, model]) =>
        `| ${name} | ${model.engine} | ${percent(model.successRate)} | ${interval(model.wilson95)} | ${model.correct}/${model.scored} | ` +
        `${costCells(model).join(' | ')} |`,
    ),
    '',
    '## By suite',
    '',
    `| Suite | ${models.map(([name]) => name).join(' | ')} |`,
    `| --- | ${models.map(() => '---').join(' | ')} |`,
    ...suites.map(
      (suite) => `| ${suite} | ${models.map(([, model]) => suiteCell(model, suite)).join(' | ')} |`,
    ),
    '',
    "n/a: the model cannot take the suite's input (e.g. no audio); those cases are not scored, and the paired difference leaves them out.",
    '',
  ];
  if (summary.comparison) {
    const { first, second, difference, interval95, cases, resamples } = summary.comparison;
    lines.push(
      '## Paired difference',
      '',
      `${first} minus ${second} on the same ${cases} case(s): ${signedPoints(difference)} ` +
        `(95% paired-bootstrap interval ${signedPoints(interval95[0])} to ${signedPoints(interval95[1])}, ${resamples} resamples). ` +
        'An interval that contains 0 means these cases cannot tell the models apart.',
      '',
    );
  }
  if (summary.trials > 1) {
    const ks = Array.from({ length: summary.trials }, (_, index) => String(index + 1));
    lines.push(
      '## pass^k',
      '',
      `The chance that all k of ${summary.trials} sampled trials of a case succeed (τ-bench's estimate, averaged over cases): a model that is right only sometimes falls as k grows.`,
      '',
      `| Suite | Model | ${ks.map((k) => `pass^${k}`).join(' | ')} |`,
      `| --- | --- | ${ks.map(() => '---').join(' | ')} |`,
      ...suites.flatMap((suite) =>
        models.map(
          ([name, model]) =>
            `| ${suite} | ${name} | ${ks.map((k) => percent(model.passHatK[suite]?.[k] ?? null)).join(' | ')} |`,
        ),
      ),
      '',
    );
  }
  const categories = [...new Set(models.flatMap(([, model]) => Object.keys(model.categories)))].sort();
  lines.push(
    '## By category',
    '',
    `| Category | ${models.map(([name]) => name).join(' | ')} |`,
    `| --- | ${models.map(() => '---').join(' | ')} |`,
    ...categories.map((category) => {
      const cells = models.map(([, model]) => categoryCell(model, category));
      return `| ${category} | ${cells.join(' | ')} |`;
    }),
    '',
    '## Published reference (not measured here)',
    '',
    "Google's published figures for Gemma 4, in percent, on public benchmarks; the last column names the suite of this run " +
      'that exercises a similar skill (its own cases, not comparable numbers).',
    '',
    '| Benchmark | 12B (published) | 26B-A4B (published) | Closest suite here |',
    '| --- | --- | --- | --- |',
    ...publishedScores.map(
      (score) =>
        `| ${score.benchmark} | ${publishedPercent(score.gemma4_12b)} | ${publishedPercent(score.gemma4_26bA4b)} | ` +
        `${closestSuiteCell(score)} |`,
    ),
    '',
  );
  for (const [name, suite] of Object.entries(summary.suites)) {
    lines.push(`## Suite ${name}`, '', `${suite.cases} scored case(s) from ${suite.dataDir}.`, '');
    if (suite.unscorable.length > 0)
      lines.push(
        'Reported, not scored:',
        '',
        ...suite.unscorable.map((entry) => `- ${entry.id}: ${entry.reason}`),
        '',
      );
    if (suite.skipped.length > 0)
      lines.push(
        'Skipped files:',
        '',
        ...suite.skipped.map((entry) => `- ${entry.file}: ${entry.reason}`),
        '',
      );
  }
  return `${lines.join('\n')}\n`;
}
