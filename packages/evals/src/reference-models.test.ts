import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvals } from './harness.js';
import { evalModel } from './models.js';
import type { ResultRecord } from './result-record.js';
import { loadSuites } from './suites.js';

describe('the oracle and mutant models on the shipped tool-calling cases', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-evals-reference-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('oracle scores 100%, mutant 0% with the error each fault must cause', async () => {
    const runs = await loadSuites(['tool-calling']);
    const loaded = runs[0]?.loaded;
    expect(loaded?.cases.length).toBeGreaterThanOrEqual(30);
    expect(loaded?.unscorable).toEqual([]);
    const models = await Promise.all(['oracle', 'mutant'].map((spec) => evalModel(spec, runs)));
    const summary = await runEvals({ suites: runs, models, outDir: dir });
    expect(summary.models.oracle?.successRate).toBe(1);
    expect(summary.models.mutant?.successRate).toBe(0);
    expect(summary.comparison).toMatchObject({ first: 'oracle', second: 'mutant', difference: 1 });
    const records = (await readFile(join(dir, 'results.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultRecord);
    const mutant = records.filter((record) => record.model === 'mutant');
    expect(mutant).toHaveLength(loaded?.cases.length ?? 0);
    const faults = new Set<string>();
    for (const record of mutant) {
      const [, fault, expected] =
        /^mutant fault: (.+) \(expect (.+)\)$/.exec(record.output.reasoning ?? '') ?? [];
      expect(record.errorType, `${record.id}: ${fault}`).toBe(expected);
      expect(record.reason.length).toBeGreaterThan(0);
      faults.add((fault ?? '').replace(/ '.*'$/, '').replace(/ for$/, ''));
    }
    expect([...faults].sort()).toEqual([
      'a call on an irrelevance case',
      'extra argument',
      'extra call',
      'missing call',
      'missing required argument',
      'wrong function',
      'wrong value',
    ]);
    // Every category is covered by the shipped cases.
    expect(Object.keys(summary.models.oracle?.categories ?? {}).sort()).toHaveLength(10);
  });

  // A BFCL case's function and question, for the hand-made data directories below.
  const fn = {
    name: 'f',
    description: '',
    parameters: { type: 'dict', properties: { x: { type: 'integer' } }, required: ['x'] },
  };
  const question = [[{ role: 'user', content: 'q' }]];

  it('answers by case, not by request: BFCL holds cases with the same question and functions but different answers', async () => {
    const data = join(dir, 'same-question');
    await mkdir(join(data, 'possible_answer'), { recursive: true });
    await writeFile(
      join(data, 'BFCL_v4_live_simple.json'),
      `${JSON.stringify({ id: 'live_simple_0', question, function: [fn] })}\n`,
    );
    await writeFile(
      join(data, 'possible_answer', 'BFCL_v4_live_simple.json'),
      `${JSON.stringify({ id: 'live_simple_0', ground_truth: [{ f: { x: [1] } }] })}\n`,
    );
    await writeFile(
      join(data, 'BFCL_v4_live_irrelevance.json'),
      `${JSON.stringify({ id: 'live_irrelevance_0', question, function: [fn] })}\n`,
    );
    const runs = await loadSuites(['tool-calling'], { dataDir: data });
    const models = await Promise.all(['oracle', 'mutant'].map((spec) => evalModel(spec, runs)));
    const summary = await runEvals({ suites: runs, models, outDir: join(dir, 'same-question-out') });
    expect(summary.models.oracle).toMatchObject({ successRate: 1, scored: 2 });
    expect(summary.models.mutant).toMatchObject({ successRate: 0, scored: 2 });
  });

  it('skips files it does not score, with reasons, and reports cases that cannot be scored', async () => {
    const data = join(dir, 'data');
    await mkdir(join(data, 'possible_answer'), { recursive: true });
    await writeFile(
      join(data, 'BFCL_v4_simple_python.json'),
      `${JSON.stringify({ id: 'simple_python_0', question, function: [fn] })}\n${JSON.stringify({ id: 'simple_python_1', question, function: [fn] })}\n`,
    );
    await writeFile(
      join(data, 'possible_answer', 'BFCL_v4_simple_python.json'),
      `${JSON.stringify({ id: 'simple_python_0', ground_truth: [{ f: { x: [1] } }] })}\n${JSON.stringify({ id: 'simple_python_1', ground_truth: [{ f: { x: [''] } }] })}\n`,
    );
    for (const name of [
      'multi_turn_base',
      'memory_kv',
      'web_search_base',
      'format_sensitivity',
      'simple_java',
      'simple_javascript',
      'live_relevance',
      'parallel',
    ])
      await writeFile(join(data, `BFCL_v4_${name}.json`), '');
    const [run] = await loadSuites(['tool-calling'], { dataDir: data });
    expect(run?.loaded.cases.map((testCase) => testCase.id)).toEqual(['simple_python_0']);
    expect(run?.loaded.unscorable).toEqual([
      {
        id: 'simple_python_1',
        category: 'simple_python',
        reason: "f's required parameter 'x' has no acceptable value in the answer",
      },
    ]);
    const reasons = Object.fromEntries(run?.loaded.skipped.map((entry) => [entry.file, entry.reason]) ?? []);
    expect(reasons['BFCL_v4_multi_turn_base.json']).toMatch(/^multi-turn/);
    expect(reasons['BFCL_v4_memory_kv.json']).toMatch(/^memory/);
    expect(reasons['BFCL_v4_web_search_base.json']).toMatch(/^web search/);
    expect(reasons['BFCL_v4_format_sensitivity.json']).toMatch(/^format sensitivity/);
    expect(reasons['BFCL_v4_simple_java.json']).toMatch(/^Java\/JavaScript/);
    expect(reasons['BFCL_v4_simple_javascript.json']).toMatch(/^Java\/JavaScript/);
    expect(reasons['BFCL_v4_live_relevance.json']).toMatch(/^relevance/);
    expect(reasons['BFCL_v4_parallel.json']).toMatch(/no possible_answer/);
  });
});
