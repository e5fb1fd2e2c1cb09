import { describe, expect, it } from 'vitest';
import type { AnswerCall } from '../suite.js';
import { checkPlanningOutcome } from './planning-checker.js';
import type { PlanningTask } from './planning-task.js';

const task: PlanningTask = {
  id: 'report',
  category: 'compute',
  prompt:
    'Total expenses.csv per category into report.md and merge settings into merged.json; say the grand total.',
  files: { 'expenses.csv': 'category,amount\ntravel,120\nfood,35.5\n' },
  attachments: [],
  actions: [],
  reply: '',
  expect: {
    files: [
      { path: 'report.md', lines: ['travel: 120', 'food: 35.5'] },
      { path: 'merged.json', json: { port: 8080, hosts: ['a', 'b'] } },
      { path: 'total.txt', number: 155.5 },
      { path: 'code.txt', equals: '4721' },
    ],
    answerIncludes: ['155.5'],
    cites: ['expenses.csv'],
    calls: [
      { name: 'fs_read', args: { path: 'expenses.csv' } },
      { name: 'calculator', args: {} },
    ],
  },
};

const steps: AnswerCall[] = [
  { name: 'fs_read', args: { path: './expenses.csv' } },
  { name: 'calculator', args: { expression: '120 + 35.5' } },
];

/** A work folder written by hand as a right agent leaves it (formatting differs from the task on purpose). */
const rightFolder = {
  'expenses.csv': 'category,amount\ntravel,120\nfood,35.5\n',
  'report.md': '  travel: 120\n\nfood: 35.5  \n',
  'merged.json': '{"hosts": ["a", "b"],\n "port": 8080}',
  'total.txt': '155.50\n',
  'code.txt': ' 4721\n',
};
const rightAnswer = { id: 'report', calls: steps, text: 'From expenses.csv: the grand total is 155.5.' };

const verdictFor = (folder: Record<string, string>, answer = rightAnswer) =>
  checkPlanningOutcome(task, { answer, endState: folder });

describe('checkPlanningOutcome', () => {
  it('accepts the right end state whatever the spacing, JSON key order or a leading ./', () => {
    expect(verdictFor(rightFolder)).toEqual({
      correct: true,
      reason:
        'the 4 file(s) hold what they should, the required steps were taken, and the answer states and cites what it should',
    });
  });

  it('fails a required step not taken, even when the files are right (copied, not computed)', () => {
    expect(verdictFor(rightFolder, { ...rightAnswer, calls: [steps[0] as AnswerCall] })).toEqual({
      correct: false,
      reason: 'a required step was not taken (or failed): calculator({})',
      errorType: 'step_missing',
    });
    const otherFile = {
      ...rightAnswer,
      calls: [{ name: 'fs_read', args: { path: 'notes.md' } }, steps[1] as AnswerCall],
    };
    expect(verdictFor(rightFolder, otherFile).errorType).toBe('step_missing');
  });

  it('fails a missing file, naming what the folder holds', () => {
    const { 'total.txt': _total, ...folder } = rightFolder;
    expect(verdictFor(folder)).toEqual({
      correct: false,
      reason:
        'total.txt was not written (the work folder has code.txt, expenses.csv, merged.json, report.md)',
      errorType: 'file_missing',
    });
  });

  it('fails each kind of wrong content', () => {
    const wrong = (patch: Record<string, string>) => verdictFor({ ...rightFolder, ...patch });
    expect(wrong({ 'report.md': 'food: 35.5\ntravel: 120\n' })).toMatchObject({
      errorType: 'file_content',
      reason: 'report.md holds the lines ["food: 35.5","travel: 120"], expected ["travel: 120","food: 35.5"]',
    });
    expect(wrong({ 'merged.json': '{"port": "8080", "hosts": ["a", "b"]}' }).errorType).toBe('file_content');
    expect(wrong({ 'merged.json': 'port=8080' }).reason).toBe('merged.json is not JSON: "port=8080"');
    expect(wrong({ 'total.txt': '155.5 euros' }).reason).toBe(
      'total.txt holds "155.5 euros", expected the number 155.5 alone',
    );
    expect(wrong({ 'total.txt': '156' }).errorType).toBe('file_content');
    expect(wrong({ 'code.txt': '4712' }).reason).toBe('code.txt holds "4712", expected "4721"');
  });

  it('fails an answer that leaves out the value, then one that cites no step', () => {
    expect(
      verdictFor(rightFolder, { ...rightAnswer, text: 'Done, see total.txt (from expenses.csv).' }),
    ).toEqual({
      correct: false,
      reason: 'the answer does not state "155.5"',
      errorType: 'answer_missing_value',
    });
    expect(verdictFor(rightFolder, { ...rightAnswer, text: 'The grand total is 155.5.' })).toEqual({
      correct: false,
      reason: 'the answer does not cite "expenses.csv"',
      errorType: 'step_not_cited',
    });
  });
});
