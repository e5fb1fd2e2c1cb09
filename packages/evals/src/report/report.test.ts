import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '@hearth/chromium';
import type { Engine } from '@hearth/engine';
import { speak } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvalModel, runEvals } from '../harness.js';
import { oracleEngine } from '../reference-models.js';
import type { ResultRecord } from '../result-record.js';
import { loadSuites } from '../suites.js';
import type { Summary } from '../summary.js';

let dir: string;
let summary: Summary;
let records: ResultRecord[];

/**
 * Two models on tool-calling, screen-qa and spoken: the oracle, and the oracle's answers from an engine
 * that says it takes neither images nor audio (as a text-only model would), so the report has n/a cells.
 */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-evals-report-'));
  const runs = await loadSuites(['tool-calling', 'screen-qa', 'spoken'], {
    cases: 6,
    context: { mediaDir: join(dir, 'media'), speak: (text, into) => speak(text, { dir: into }) },
  });
  const oracle = oracleEngine(runs);
  const textOnly: Engine = {
    ...oracle,
    info: { ...oracle.info, capabilities: { ...oracle.info.capabilities, image: false, audio: false } },
  };
  const models: EvalModel[] = [
    { name: 'oracle', spec: 'oracle', files: [], open: async () => oracleEngine(runs) },
    { name: 'text-only', spec: 'text-only', files: [], open: async () => textOnly },
  ];
  summary = await runEvals({ suites: runs, models, outDir: join(dir, 'run') });
  records = (await readFile(join(dir, 'run', 'results.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ResultRecord);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('n/a cases', () => {
  it('marks cases a model cannot take as n/a, not wrong, and leaves them out of scores and the comparison', () => {
    const textOnly = summary.models['text-only'];
    expect(textOnly?.notApplicable).toEqual({
      'screen-qa': { count: 6, reason: 'text-only takes no image input' },
      spoken: { count: 3, reason: 'text-only takes no audio input' },
    });
    // The transcript forms and tool calling are scored; the text-only model answers them all right.
    expect(textOnly).toMatchObject({ correct: 9, scored: 9, successRate: 1 });
    expect(textOnly?.suites['screen-qa']).toBeUndefined();
    expect(summary.comparison).toMatchObject({ cases: 9, difference: 0 });
    const heard = records.find((record) => record.model === 'text-only' && record.id === 'add.audio');
    expect(heard).toMatchObject({
      notApplicable: 'text-only takes no audio input',
      correct: false,
      steps: 0,
    });
    // Steps and the host's memory are recorded for every answer (null: the oracle runs in no host process).
    const answered = records.find((record) => record.model === 'oracle' && record.id === 'add.audio');
    expect(answered).toMatchObject({ steps: 1, hostPeakRssBytes: null, correct: true });
  });
});

describe('report.md', () => {
  it('shows n/a with its reason beside scored suites, and the published figures labelled as such', async () => {
    const markdown = await readFile(join(dir, 'run', 'report.md'), 'utf8');
    expect(markdown).toContain('| screen-qa | 100.0% (6/6) | n/a (text-only takes no image input) |');
    expect(markdown).toContain('| spoken | 100.0% (6/6) | 100.0% (3/3, 3 n/a) |');
    expect(markdown).toContain('| MMMU-Pro | 69.1 | 73.8 | screen-qa |');
    expect(markdown).toContain('## Published reference (not measured here)');
    expect(markdown).toContain('> **Note.** oracle: reference models');
  });
});

describe('report.html', () => {
  it('opens offline in Chromium with every chart drawn as SVG marks and no console error', async () => {
    const html = await readFile(join(dir, 'run', 'report.html'), 'utf8');
    // Static and offline: no script and nothing fetched when opened.
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`fetched ${request.url()}`);
      });
      await page.goto(`file://${join(dir, 'run', 'report.html')}`);
      const charts = await page.$$eval('figure[data-chart]', (figures) =>
        figures.map((figure) => {
          const svg = figure.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return {
            name: figure.getAttribute('data-chart'),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            bars: figure.querySelectorAll('g.mark-rect.role-mark path').length,
            rules: figure.querySelectorAll('g.mark-rule.role-mark line').length,
            texts: [...figure.querySelectorAll('g.mark-text.role-mark text')].map((text) => text.textContent),
          };
        }),
      );
      expect(charts.map((chart) => chart.name)).toEqual(['success', 'latency', 'speed', 'memory', 'mtp']);
      for (const chart of charts) {
        expect(chart.width, chart.name ?? '').toBeGreaterThan(100);
        expect(chart.height, chart.name ?? '').toBeGreaterThan(40);
      }
      const success = charts[0];
      // Bars for oracle x 3 suites and text-only x 2, an interval for each, and n/a where text-only sees no image.
      expect(success?.bars).toBe(5);
      expect(success?.rules).toBe(5);
      expect(success?.texts).toContain('n/a');
      // The reference models report no speed, memory or MTP: those charts say n/a for each model.
      for (const chart of charts.slice(2)) expect(chart.texts, chart.name ?? '').toEqual(['n/a', 'n/a']);
      expect(await page.textContent('#reference + p')).toContain('published');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
