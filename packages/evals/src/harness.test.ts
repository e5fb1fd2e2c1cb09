import { createHash } from 'node:crypto';
import { appendFile, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { FileHashCache } from './file-hash.js';
import { answerEvalCase, type EvalModel, runEvals } from './harness.js';
import { evalModel } from './models.js';
import { mutantEngine, oracleEngine } from './reference-models.js';
import type { ResultRecord } from './result-record.js';
import { firstCasesAcrossCategories, loadSuites } from './suites.js';
import { readResultRecords, temporaryFolderForFile } from './test-support/eval-output.js';

const dir = temporaryFolderForFile('hearth-evals-harness-');

describe('runEvals', () => {
  it('drops a last line cut short by a kill and answers that case again', async () => {
    const runs = await loadSuites(['tool-calling'], { cases: 4 });
    const models = [await evalModel('oracle', runs)];
    const outDir = join(dir(), 'cut-short');
    await runEvals({ suites: runs, models, outDir });
    const file = join(outDir, 'results.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    // Keep two whole lines and half of the third, as a SIGKILL mid-write leaves it.
    await writeFile(file, `${lines.slice(0, 2).join('\n')}\n${(lines[2] ?? '').slice(0, 40)}`);
    const summary = await runEvals({ suites: runs, models, outDir });
    expect(summary.models.oracle).toMatchObject({ successRate: 1, scored: 4 });
    expect((await readResultRecords(outDir)).map((record) => record.id)).toEqual(
      lines.map((line) => (JSON.parse(line) as ResultRecord).id),
    );
  });

  it('records an engine failure on one case as a wrong answer with its reason, and goes on', async () => {
    const runs = await loadSuites(['tool-calling'], { cases: 3 });
    const oracle = oracleEngine(runs);
    const failOn = runs[0]?.loaded.cases[1]?.id;
    const flaky: Engine = {
      ...oracle,
      info: { ...oracle.info, engine: 'flaky' },
      generate: async (request) => {
        const option = request.engineOptions?.['hearth-evals-case'] as { id: string };
        if (option.id === failOn) throw new Error('the model host crashed');
        return oracle.generate(request);
      },
    };
    const models: EvalModel[] = [{ name: 'flaky', spec: 'flaky', files: [], open: async () => flaky }];
    const summary = await runEvals({ suites: runs, models, outDir: join(dir(), 'flaky') });
    expect(summary.models.flaky).toMatchObject({ correct: 2, scored: 3, engineErrors: 1, engine: 'flaky' });
    const failed = (await readResultRecords(join(dir(), 'flaky'))).find((record) => record.id === failOn);
    expect(failed).toMatchObject({
      correct: false,
      errorType: 'engine_error',
      error: 'the model host crashed',
    });
  });

  it('answers elsewhere in any order and summarises as the local run does; a second answer to a key is refused', async () => {
    const runs = await loadSuites(['tool-calling'], { cases: 5 });
    const models = [await evalModel('oracle', runs), await evalModel('mutant', runs)];
    const local = await runEvals({ suites: runs, models, outDir: join(dir(), 'local') });
    const engines = { oracle: oracleEngine(runs), mutant: mutantEngine(runs) };
    const answerOptions = { trials: 1, seed: 0, maxTokens: 512, workRoot: join(dir(), 'elsewhere-work') };
    const handed: string[] = [];
    const elsewhere = await runEvals({
      suites: runs,
      models,
      outDir: join(dir(), 'elsewhere'),
      answerElsewhere: async (pending, record) => {
        // Last first, as several workers may finish them.
        for (const { run, testCase, model, trial } of [...pending].reverse()) {
          handed.push(`${model.name}/${testCase.id}`);
          const engine = engines[model.name as keyof typeof engines];
          await record(await answerEvalCase(run, testCase, model.name, trial, engine, answerOptions));
        }
      },
    });
    expect(handed).toHaveLength(10);
    expect(elsewhere.models.oracle).toMatchObject({ successRate: 1, scored: 5 });
    expect(elsewhere.models.mutant).toMatchObject({ successRate: 0, scored: 5 });
    expect(elsewhere.comparison).toEqual(local.comparison);
    expect(elsewhere.models.mutant?.categories).toEqual(local.models.mutant?.categories);

    const [first] = await readResultRecords(join(dir(), 'elsewhere'));
    await expect(
      runEvals({
        suites: runs,
        models,
        outDir: join(dir(), 'twice'),
        answerElsewhere: async (_pending, record) => {
          await record(first as ResultRecord);
          await record(first as ResultRecord);
        },
      }),
    ).rejects.toThrow(/already has one/);
  });

  it('refuses two models with the same name', async () => {
    const runs = await loadSuites(['tool-calling'], { cases: 1 });
    const oracle = await evalModel('oracle', runs);
    await expect(
      runEvals({ suites: runs, models: [oracle, oracle], outDir: join(dir(), 'same') }),
    ).rejects.toMatchObject({
      code: 'EVAL_DATA',
    });
  });
});

describe('firstCasesAcrossCategories', () => {
  it('takes cases from each category in turn and keeps their order', () => {
    const cases = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2'].map((id) => ({ id, category: id[0] as string }));
    expect(firstCasesAcrossCategories(cases, 4).map((testCase) => testCase.id)).toEqual([
      'a1',
      'a2',
      'b1',
      'c1',
    ]);
    expect(firstCasesAcrossCategories(cases, 10)).toHaveLength(6);
  });
});

describe('FileHashCache', () => {
  it('hashes a file once, and again when it changes', async () => {
    const file = join(dir(), 'model.gguf');
    const fixedTime = new Date('2026-01-01T00:00:00Z');
    await writeFile(file, 'weights');
    await utimes(file, fixedTime, fixedTime);
    const cache = new FileHashCache(join(dir(), 'hashes.json'));
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect((await cache.sha256(file)).sha256).toBe(sha('weights'));
    // Same size and mtime: the cached hash is used, whatever the bytes (this is what makes it cheap).
    await writeFile(file, 'WEIGHTS');
    await utimes(file, fixedTime, fixedTime);
    expect((await new FileHashCache(join(dir(), 'hashes.json')).sha256(file)).sha256).toBe(sha('weights'));
    await appendFile(file, '!');
    expect((await cache.sha256(file)).sha256).toBe(sha('WEIGHTS!'));
  });
});
