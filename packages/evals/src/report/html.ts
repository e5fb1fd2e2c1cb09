import type { Summary } from '../summary.js';
import { renderCharts } from './charts.js';
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

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const row = (cells: readonly string[], header = false) =>
  `<tr>${cells.map((cell) => (header ? `<th>${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`;

const table = (head: readonly string[], body: ReadonlyArray<readonly string[]>, className = '') =>
  `<table${className ? ` class="${className}"` : ''}><thead>${row(head, true)}</thead><tbody>${body.map((cells) => row(cells)).join('')}</tbody></table>`;

const figure = (name: string, caption: string, svg: string) =>
  `<figure data-chart="${name}">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;

const style = `
  body { margin: 0; background: #f7f8fa; color: #1f2933; font: 14px/1.5 "DejaVu Sans", "Liberation Sans", system-ui, sans-serif; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 18px; margin: 32px 0 10px; border-bottom: 1px solid #d3d8de; padding-bottom: 4px; }
  .meta { color: #52606d; margin: 0 0 12px; }
  .note { background: #fff8e6; border: 1px solid #f0c36d; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
  figure { margin: 0; background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; padding: 12px; }
  figure svg { max-width: 100%; height: auto; }
  figcaption { color: #52606d; font-size: 12px; margin-top: 6px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 14px; }
  .side { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; align-items: start; }
  table { border-collapse: collapse; background: #fff; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 5px 9px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
  th { background: #eef1f5; }
  .published th:nth-child(2), .published th:nth-child(3) { background: #f1ecfb; }
  ul { margin: 4px 0; }
`;

/**
 * report.html: one static page with the charts inline as SVG (drawn here with Vega-Lite, no script runs
 * when it is opened), so it works offline, from a mail attachment or a CI artefact.
 */
export async function renderReportHtml(summary: Summary): Promise<string> {
  const models = Object.entries(summary.models);
  const names = models.map(([name]) => name);
  const suites = Object.keys(summary.suites);
  const charts = await renderCharts(summary);
  const sections: string[] = [];
  sections.push(
    `<h1>Hearth eval: ${escapeHtml(names.join(' vs '))}</h1>`,
    `<p class="meta">Run ${escapeHtml(summary.createdAt)}, Hearth ${escapeHtml(summary.hearthCommit ?? 'commit unknown')}, ` +
      `seed ${summary.seed}, ${summary.trials} trial(s) per case, suites: ${escapeHtml(suites.join(', '))}.</p>`,
    ...readingNotes(summary).map((note) => `<p class="note"><strong>Note.</strong> ${escapeHtml(note)}</p>`),
    '<h2 id="success">Success by suite</h2>',
    figure(
      'success',
      "Share of cases answered right, per suite and model; the black lines are 95% Wilson intervals. n/a: the model cannot take the suite's input (not scored).",
      charts.success,
    ),
    table(
      ['Model', 'Engine', 'Success', '95% interval (Wilson)', 'Scored', ...suites],
      models.map(([name, model]) => [
        name,
        model.engine,
        percent(model.successRate),
        interval(model.wilson95),
        `${model.correct}/${model.scored}`,
        ...suites.map((suite) => suiteCell(model, suite)),
      ]),
    ),
  );
  if (summary.comparison) {
    const { first, second, difference, interval95, cases, resamples } = summary.comparison;
    sections.push(
      '<h2 id="comparison">Paired difference</h2>',
      `<p>${escapeHtml(first)} minus ${escapeHtml(second)} on the same ${cases} case(s): <strong>${signedPoints(difference)}</strong> ` +
        `(95% paired-bootstrap interval ${signedPoints(interval95[0])} to ${signedPoints(interval95[1])}, ${resamples} resamples). ` +
        'An interval that contains 0 means these cases cannot tell the models apart.</p>',
    );
  }
  sections.push(
    '<h2 id="cost">Latency, speed, memory and MTP</h2>',
    '<div class="grid">',
    figure('latency', 'Time per answer: bar p50, tick p95.', charts.latency),
    figure('speed', 'Decode speed, mean over answers that report one.', charts.speed),
    figure(
      'memory',
      "Peak resident memory of the model host process (n/a: a server's or a reference model's).",
      charts.memory,
    ),
    figure(
      'mtp',
      'Share of tokens drafted by the MTP assistant that the model accepted (n/a: no drafter).',
      charts.mtp,
    ),
    '</div>',
    table(
      [
        'Model',
        'Latency p50',
        'Latency p95',
        'Tokens/s',
        'Steps (mean)',
        'Peak memory',
        'MTP accepted',
        'Prompt / completion tokens',
      ],
      models.map(([name, model]) => [
        name,
        ...costCells(model),
        `${model.promptTokens} / ${model.completionTokens}`,
      ]),
    ),
    '<h2 id="reference">Published reference, beside this run</h2>',
    "<p>Left: Google's published figures for Gemma 4 (percent; <strong>published</strong>, not measured here). " +
      "Right: this run's suites. The suites are Hearth's own cases, so the two sides are not the same test; " +
      'the column "closest suite" says which suite exercises a similar skill.</p>',
    '<div class="side">',
    table(
      ['Benchmark', '12B (published)', '26B-A4B (published)', 'Closest suite'],
      publishedScores.map((score) => [
        score.benchmark,
        publishedPercent(score.gemma4_12b),
        publishedPercent(score.gemma4_26bA4b),
        closestSuiteCell(score),
      ]),
      'published',
    ),
    table(
      ['Suite (this run)', ...names],
      suites.map((suite) => [suite, ...models.map(([, model]) => suiteCell(model, suite))]),
    ),
    '</div>',
  );
  const categories = [...new Set(models.flatMap(([, model]) => Object.keys(model.categories)))].sort();
  sections.push(
    '<h2 id="categories">By category</h2>',
    table(
      ['Category', ...names],
      categories.map((category) => [category, ...models.map(([, model]) => categoryCell(model, category))]),
    ),
    '<h2 id="suites">Suites</h2>',
    ...Object.entries(summary.suites).map(([name, suite]) => {
      const parts = [
        `<p><strong>${escapeHtml(name)}</strong>: ${suite.cases} scored case(s) from ${escapeHtml(suite.dataDir)}.</p>`,
      ];
      if (suite.unscorable.length > 0)
        parts.push(
          `<p>Reported, not scored:</p><ul>${suite.unscorable.map((entry) => `<li>${escapeHtml(`${entry.id}: ${entry.reason}`)}</li>`).join('')}</ul>`,
        );
      if (suite.skipped.length > 0)
        parts.push(
          `<p>Skipped files:</p><ul>${suite.skipped.map((entry) => `<li>${escapeHtml(`${entry.file}: ${entry.reason}`)}</li>`).join('')}</ul>`,
        );
      return parts.join('');
    }),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hearth eval: ${escapeHtml(names.join(' vs '))}</title>
<style>${style}</style>
</head>
<body>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
