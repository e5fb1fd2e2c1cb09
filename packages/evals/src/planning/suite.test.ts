import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { type EvalModel, runEvals } from '../harness.js';
import { evalModel } from '../models.js';
import { oracleEngine } from '../reference-models.js';
import { loadSuites, scoreAnswers } from '../suites.js';
import {
  expectMutantFaultsCaught,
  readResultRecords,
  temporaryFolderForFile,
} from '../test-support/eval-output.js';

const dir = temporaryFolderForFile('hearth-evals-planning-');

describe('the planning suite', () => {
  it('ships at least 8 tasks, with an image and an audio attachment', async () => {
    const [run] = await loadSuites(['planning']);
    expect(run?.loaded.cases.length).toBeGreaterThanOrEqual(8);
    expect(run?.suite.needs?.(run.loaded.cases.find((c) => c.id === 'image_code') as never)).toEqual([
      'image',
    ]);
    expect(run?.suite.needs?.(run.loaded.cases.find((c) => c.id === 'voice_note') as never)).toEqual([
      'audio',
    ]);
  });

  it('oracle scores 100% through the real fs and calculator tools, mutant 0% with the error its fault causes', async () => {
    const runs = await loadSuites(['planning']);
    const models = await Promise.all(['oracle', 'mutant'].map((spec) => evalModel(spec, runs)));
    const outDir = join(dir(), 'reference');
    const summary = await runEvals({ suites: runs, models, outDir });
    const cases = runs[0]?.loaded.cases.length ?? 0;
    expect(summary.models.oracle).toMatchObject({ successRate: 1, scored: cases });
    expect(summary.models.mutant).toMatchObject({ successRate: 0, scored: cases });
    const records = await readResultRecords(outDir);
    expect(expectMutantFaultsCaught(records)).toEqual([
      'a required step skipped',
      'an answer that says nothing of the work',
      'missing call',
      'wrong value in a file',
    ]);
    // The calculator really ran: its result went back to the model.
    const loan = records.find((entry) => entry.model === 'oracle' && entry.id === 'loan_interest');
    expect(JSON.stringify(loan?.episode?.transcript[2]?.content)).toContain('1620');
    // The attachment went to the model as a media part with its path (results.jsonl keeps no bytes).
    const image = records.find((entry) => entry.model === 'oracle' && entry.id === 'image_code');
    expect(image?.input.messages[1]?.content).toEqual([
      { type: 'text', text: 'Write the access code shown in the attached image to code.txt.' },
      {
        type: 'image',
        image: join(runs[0]?.loaded.dataDir ?? '', 'attachments/code-card.png'),
        mimeType: 'image/png',
      },
    ]);
  });

  it('gives the cases with attachments as n/a to a model that takes no images or audio', async () => {
    const runs = await loadSuites(['planning'], { cases: 10 });
    const oracle = oracleEngine(runs);
    const textOnly: Engine = {
      ...oracle,
      info: {
        ...oracle.info,
        engine: 'text-only',
        capabilities: { ...oracle.info.capabilities, image: false, audio: false },
      },
    };
    const models: EvalModel[] = [
      { name: 'text-only', spec: 'text-only', files: [], open: async () => textOnly },
    ];
    const outDir = join(dir(), 'text-only');
    await runEvals({ suites: runs, models, outDir });
    const notApplicable = (await readResultRecords(outDir)).filter((record) =>
      record.reason.startsWith('n/a'),
    );
    expect(notApplicable.map((record) => record.id).sort()).toEqual(['image_code', 'voice_note']);
  });

  it('scores an answers file by replaying its calls in a fresh work folder', async () => {
    const [run] = await loadSuites(['planning']);
    if (!run) throw new Error('no planning suite');
    const report = await scoreAnswers(run, [
      {
        id: 'sorted_names',
        calls: [
          { name: 'fs_read', args: { path: 'names.txt' } },
          { name: 'fs_write', args: { path: './sorted.txt', content: 'Ana\nBen\nLuca\nMira\nZoe' } },
        ],
        text: 'done',
      },
      {
        id: 'todo_count',
        calls: [
          { name: 'fs_read', args: { path: 'notes.md' } },
          { name: 'fs_write', args: { path: 'todo_count.txt', content: 'There are 3.' } },
        ],
        text: 'done',
      },
      // Writing outside the work folder is refused by the fs tools, so the file is not there.
      {
        id: 'loan_interest',
        calls: [
          { name: 'calculator', args: { expression: '12000*0.045*3' } },
          { name: 'fs_write', args: { path: '../interest.txt', content: '1620' } },
        ],
        text: 'Total 13620.',
      },
    ]);
    const verdict = (id: string) => report.cases.find((entry) => entry.id === id);
    expect(verdict('sorted_names')?.correct).toBe(true);
    expect(verdict('todo_count')).toMatchObject({
      correct: false,
      reason: 'todo_count.txt holds "There are 3.", expected the number 3 alone',
    });
    expect(verdict('loan_interest')?.reason).toMatch(/^interest\.txt was not written/);
  });
});

describe('planning data', () => {
  it('refuses a task whose files or attachments would reach outside their folder, or that expects nothing', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const data = join(dir(), 'escaping-data');
    await mkdir(data, { recursive: true });
    const task = {
      id: 'escape',
      category: 'files',
      prompt: 'p',
      actions: [],
      reply: 'r',
      expect: { files: [{ path: 'a.txt', equals: 'x' }], answerIncludes: [], cites: [], calls: [] },
    };
    for (const [extra, field] of [
      [
        { files: { '../outside.txt': 'x' } },
        'files["../outside.txt"]: use a relative path inside the folder',
      ],
      [
        { files: { '/tmp/outside.txt': 'x' } },
        'files["/tmp/outside.txt"]: use a relative path inside the folder',
      ],
      [{ attachments: ['../../secret.png'] }, 'attachments[0]: use a relative path inside the folder'],
    ] as const) {
      await writeFile(join(data, 'tasks.json'), JSON.stringify([{ ...task, ...extra }]));
      await expect(loadSuites(['planning'], { dataDir: data })).rejects.toThrow(`task 1 (escape): ${field}`);
    }
    expect(existsSync(join(dir(), 'outside.txt'))).toBe(false);
    // A task that expects nothing would pass any answer: refused too.
    await writeFile(
      join(data, 'tasks.json'),
      JSON.stringify([{ ...task, expect: { files: [], answerIncludes: [], cites: [], calls: [] } }]),
    );
    await expect(loadSuites(['planning'], { dataDir: data })).rejects.toThrow(
      'task 1 (escape): expect: expect at least one file, call, answer value or cited step',
    );
  });
});
