import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvalResults, readEvalSummary } from './test-support/eval-output.js';
import { startHearth } from './test-support/hearth-binary.js';
import { runHearthInProcess } from './test-support/run-in-process.js';

interface Record {
  suite: string;
  id: string;
  model: string;
  trial: number;
  correct: boolean;
  reason: string;
  errorType?: string;
  output: { text: string; reasoning?: string };
}

const readRecords = (out: string) => readEvalResults<Record>(out);

const summaryOf = (out: string) =>
  readEvalSummary<{
    models: {
      [name: string]: { successRate: number | null; scored: number; files: Array<{ sha256?: string }> };
    };
    comparison: { first: string; second: string; difference: number } | null;
    seed: number;
    suites: { [name: string]: { cases: number } };
  }>(out);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cli-eval-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hearth eval run', () => {
  it('scores the oracle 100% and the mutant 0%, each mutant answer failing for the reason its fault causes', async () => {
    const out = join(dir, 'oracle-mutant');
    const { stdout } = await runHearthInProcess([
      'eval',
      'run',
      '--suite',
      'tool-calling',
      '--candidate',
      'oracle',
      '--baseline',
      'mutant',
      '--out',
      out,
      '--json',
    ]);
    expect(JSON.parse(stdout).out).toBe(out);
    const summary = summaryOf(out);
    expect(summary.models.oracle?.successRate).toBe(1);
    expect(summary.models.mutant?.successRate).toBe(0);
    expect(summary.comparison).toMatchObject({ first: 'oracle', second: 'mutant', difference: 1 });
    const mutant = readRecords(out).filter((record) => record.model === 'mutant');
    expect(mutant.length).toBe(summary.suites['tool-calling']?.cases);
    for (const record of mutant) {
      const expected = /\(expect (.+)\)$/.exec(record.output.reasoning ?? '')?.[1];
      expect(record.errorType, `${record.id}: ${record.output.reasoning}`).toBe(expected);
    }
    expect(existsSync(join(out, 'report.md'))).toBe(true);
  });

  it('runs the tiny models end to end and writes the report files (random weights: no score is asserted)', async () => {
    const out = join(dir, 'tiny');
    await runHearthInProcess([
      'eval',
      '--suite',
      'tool-calling',
      '--candidate',
      'tiny',
      '--baseline',
      'tiny-moe',
      '--cases',
      '3',
      '--max-tokens',
      '24',
      '--out',
      out,
    ]);
    const summary = summaryOf(out);
    expect(Object.keys(summary.models)).toEqual(['tiny', 'tiny-moe']);
    expect(summary.models.tiny?.scored).toBe(3);
    expect(summary.models.tiny?.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readRecords(out)).toHaveLength(6);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| tiny-moe |');
  });

  it('resumes a run killed mid-way without answering finished cases again', async () => {
    const out = join(dir, 'resume');
    const args = [
      'eval',
      '--suite',
      'tool-calling',
      '--candidate',
      'tiny',
      '--baseline',
      'tiny-moe',
      '--max-tokens',
      '24',
      '--out',
      out,
    ];
    const file = join(out, 'results.jsonl');
    const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);
    // Kill with SIGKILL (no chance to clean up) once a few answers are on disk.
    const killed = startHearth(args);
    const poll = setInterval(() => {
      if (lines() >= 5) killed.child.kill('SIGKILL');
    }, 10);
    await killed.closed;
    clearInterval(poll);
    const before = readFileSync(file, 'utf8');
    const finished = before
      .slice(0, before.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean);
    const { stderr } = await runHearthInProcess(args);
    const records = readRecords(out);
    const total = 2 * (summaryOf(out).suites['tool-calling']?.cases ?? 0);
    expect(finished.length).toBeGreaterThanOrEqual(5);
    expect(finished.length).toBeLessThan(total);
    // The finished lines are kept as they were, each case x model is answered once, and the second run
    // answered only the rest.
    expect(readFileSync(file, 'utf8').startsWith(finished.join('\n'))).toBe(true);
    expect(new Set(records.map((record) => `${record.model}/${record.id}`)).size).toBe(total);
    expect(records).toHaveLength(total);
    expect(stderr.split('\n').filter((line) => line.startsWith('[eval] '))).toHaveLength(
      total - finished.length,
    );
  });
});

describe('hearth eval run: screen-qa and spoken', () => {
  it('scores the oracle 100% and the mutant 0% on screenshots and speech, each fault failing with its error', async () => {
    const out = join(dir, 'media-oracle-mutant');
    await runHearthInProcess([
      'eval',
      '--suite',
      'screen-qa',
      '--suite',
      'spoken',
      '--candidate',
      'oracle',
      '--baseline',
      'mutant',
      '--out',
      out,
    ]);
    const summary = summaryOf(out);
    expect(summary.suites).toMatchObject({ 'screen-qa': { cases: 14 }, spoken: { cases: 20 } });
    expect(summary.models.oracle).toMatchObject({ successRate: 1, scored: 34 });
    expect(summary.models.mutant).toMatchObject({ successRate: 0, scored: 34 });
    for (const record of readRecords(out).filter((entry) => entry.model === 'mutant'))
      expect(record.errorType, `${record.id}: ${record.output.reasoning}`).toBe(
        /\(expect (.+)\)$/.exec(record.output.reasoning ?? '')?.[1],
      );
    // Screenshots and speech are made once, in the run's folder.
    expect(readdirSync(join(out, 'media', 'screen-qa')).filter((name) => name.endsWith('.png'))).toHaveLength(
      7,
    );
    expect(readdirSync(join(out, 'media', 'spoken'))).toHaveLength(10);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<figure data-chart="success"><svg');
  });

  it('runs tiny end to end on both suites; a model without image or audio input gets those cases as n/a', async () => {
    const out = join(dir, 'media-tiny');
    const { stdout } = await runHearthInProcess([
      'eval',
      '--suite',
      'screen-qa',
      '--suite',
      'spoken',
      '--candidate',
      'tiny',
      '--baseline',
      'tiny-mtp',
      '--cases',
      '4',
      '--max-tokens',
      '8',
      '--out',
      out,
      '--json',
    ]);
    const printed = JSON.parse(stdout) as {
      out: string;
      files: { [name: string]: string };
      models: {
        [name: string]: {
          scored: number;
          hostPeakRssBytes: number | null;
          notApplicable: { [suite: string]: { count: number; reason: string } };
          mtp: { drafted: number } | null;
        };
      };
    };
    expect(printed.out).toBe(out);
    for (const file of Object.values(printed.files)) expect(existsSync(file), file).toBe(true);
    expect(Object.keys(printed.files)).toEqual(['report.html', 'report.md', 'summary.json', 'results.jsonl']);
    const { tiny, 'tiny-mtp': textOnly } = printed.models;
    // tiny hears and sees (its mmproj): every case is asked. Random weights: no score is asserted.
    expect(tiny).toMatchObject({ scored: 8, notApplicable: {} });
    // tiny-mtp has no mmproj: the screenshots and the audio forms are n/a, the transcripts are scored.
    expect(textOnly?.notApplicable).toEqual({
      'screen-qa': { count: 4, reason: 'tiny-mtp takes no image input' },
      spoken: { count: 2, reason: 'tiny-mtp takes no audio input' },
    });
    expect(textOnly?.scored).toBe(2);
    for (const model of [tiny, textOnly]) {
      // The model host is a child process of a few hundred MiB; its drafter drafted.
      expect(model?.hostPeakRssBytes).toBeGreaterThan(20 * 2 ** 20);
      expect(model?.mtp?.drafted).toBeGreaterThan(0);
    }
    const heard = readRecords(out).find((record) => record.model === 'tiny' && record.id === 'add.audio');
    expect(heard?.reason).not.toMatch(/^n\/a|engine failed/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('n/a (tiny-mtp takes no image input)');
  });
});

describe('hearth eval score: screen-qa and spoken', () => {
  it('scores short answers (numbers however written, text however cased) and spoken commands', async () => {
    const answers = join(dir, 'media-answers.jsonl');
    const lines = [
      { id: 'orders-amount-total', calls: [], text: 'The total is $854.00.' },
      { id: 'shipping-city', calls: [], text: '**trondheim**' },
      { id: 'deploy-exit-code', calls: [], text: '127' },
      { id: 'add.audio', calls: [], text: '42' },
      { id: 'add.transcript', calls: [], text: 'forty-two' },
      { id: 'timer.audio', calls: [{ name: 'set_timer', args: { minutes: 10 } }], text: '' },
      { id: 'timer.transcript', calls: [{ name: 'set_timer', args: { minutes: 15 } }], text: '' },
    ];
    await writeFile(answers, lines.map((line) => JSON.stringify(line)).join('\n'));
    const score = async (suite: string) => {
      const { stdout } = await runHearthInProcess([
        'eval',
        'score',
        '--suite',
        suite,
        '--answers',
        answers,
        '--json',
      ]);
      const report = JSON.parse(stdout) as { cases: Array<{ id: string; correct: boolean; reason: string }> };
      return Object.fromEntries(report.cases.map((entry) => [entry.id, entry]));
    };
    const screen = await score('screen-qa');
    expect(screen['orders-amount-total']?.correct).toBe(true);
    expect(screen['shipping-city']?.correct).toBe(true);
    expect(screen['deploy-exit-code']).toMatchObject({
      correct: false,
      reason: "expected 137, the reply's (last) number is 127",
    });
    const spoken = await score('spoken');
    expect(spoken['add.audio']?.correct).toBe(true);
    expect(spoken['add.transcript']).toMatchObject({ correct: false });
    expect(spoken['add.transcript']?.reason).toContain('the reply has no number');
    expect(spoken['timer.audio']?.correct).toBe(true);
    expect(spoken['timer.transcript']?.reason).toContain("Invalid value for parameter 'minutes': 15");
  });
});

describe('hearth eval score', () => {
  it('scores an answers file: per-category accuracy and each case with its reason', async () => {
    const answers = join(dir, 'answers.jsonl');
    const lines = [
      { id: 'simple_python_1', calls: [{ name: 'math.factorial', args: { number: 7 } }], text: '' },
      { id: 'simple_python_0', calls: [{ name: 'geometry.circle_area', args: { radius: 5, units: 'CM' } }] },
      {
        id: 'multiple_0',
        calls: [{ name: 'currency_convert', args: { amount: 100, from_currency: 'USD' } }],
        text: '',
      },
      {
        id: 'parallel_3',
        calls: [
          { name: 'stock.price', args: { ticker: 'MSFT' } },
          { name: 'stock.price', args: { ticker: 'AAPL' } },
        ],
        text: '',
      },
      { id: 'irrelevance_0', calls: [{ name: 'geometry.circle_area', args: { radius: 1 } }], text: '' },
      { id: 'irrelevance_1', calls: [], text: 'I cannot help with that.' },
      { id: 'not_a_case', calls: [], text: '' },
    ];
    await writeFile(answers, lines.map((line) => JSON.stringify(line)).join('\n'));
    const { stdout } = await runHearthInProcess([
      'eval',
      'score',
      '--suite',
      'tool-calling',
      '--answers',
      answers,
      '--json',
    ]);
    const report = JSON.parse(stdout) as {
      cases: Array<{ id: string; correct: boolean; reason: string }>;
      categories: { [name: string]: { correct: number; scored: number } };
      unmatched: string[];
    };
    const verdict = (id: string) => report.cases.find((entry) => entry.id === id);
    expect(verdict('simple_python_1')).toMatchObject({ correct: true });
    expect(verdict('simple_python_0')).toMatchObject({ correct: true });
    expect(verdict('multiple_0')).toEqual({
      id: 'multiple_0',
      correct: false,
      reason: "Missing required parameter: 'to_currency'.",
    });
    expect(verdict('parallel_3')).toMatchObject({ correct: true });
    expect(verdict('irrelevance_0')?.correct).toBe(false);
    expect(verdict('irrelevance_0')?.reason).toContain('geometry.circle_area');
    expect(verdict('irrelevance_1')).toMatchObject({ correct: true });
    expect(verdict('simple_python_2')).toEqual({
      id: 'simple_python_2',
      correct: false,
      reason: 'no answer for this case in the answers file',
    });
    expect(report.categories.irrelevance).toMatchObject({ correct: 1, scored: 3 });
    expect(report.unmatched).toEqual(['not_a_case']);
  });

  it('refuses an answers file that is not JSON Lines, naming the line', async () => {
    const answers = join(dir, 'broken.jsonl');
    await writeFile(answers, '{"id": "simple_python_0", "calls": []}\nnot json\n');
    await expect(runHearthInProcess(['eval', 'score', '--answers', answers])).rejects.toMatchObject({
      code: 'EVAL_DATA',
      message: expect.stringContaining('broken.jsonl:2 is not JSON'),
    });
  });
});
