import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEvals } from '../harness.js';
import { evalModel } from '../models.js';
import { loadSuites, scoreAnswers } from '../suites.js';
import {
  expectMutantFaultsCaught,
  readResultRecords,
  temporaryFolderForFile,
} from '../test-support/eval-output.js';
import { shippedStatefulData } from './suite.js';

const dir = temporaryFolderForFile('hearth-evals-stateful-');

describe('the stateful suite', () => {
  it('ships at least 12 tasks over lookups, refunds, cancellations, address changes, stock and refusals', async () => {
    const [run] = await loadSuites(['stateful']);
    const categories = new Set(run?.loaded.cases.map((testCase) => testCase.category));
    expect(run?.loaded.cases.length).toBeGreaterThanOrEqual(12);
    expect([...categories].sort()).toEqual(['address', 'cancel', 'lookup', 'refund', 'refuse', 'stock']);
  });

  it('oracle scores 100% on every trial (pass^2 = 1: each trial gets a fresh database), mutant 0% with the error its fault causes', async () => {
    const runs = await loadSuites(['stateful']);
    const models = await Promise.all(['oracle', 'mutant'].map((spec) => evalModel(spec, runs)));
    const outDir = join(dir(), 'reference');
    const summary = await runEvals({ suites: runs, models, outDir, trials: 2 });
    const cases = runs[0]?.loaded.cases.length ?? 0;
    expect(summary.models.oracle).toMatchObject({ successRate: 1, scored: 2 * cases });
    expect(summary.models.oracle?.passHatK.stateful).toEqual({ '1': 1, '2': 1 });
    expect(summary.models.mutant).toMatchObject({ successRate: 0, scored: 2 * cases });
    expect(summary.models.mutant?.passHatK.stateful).toEqual({ '1': 0, '2': 0 });
    const records = await readResultRecords(outDir);
    expect(expectMutantFaultsCaught(records)).toEqual([
      'a write nobody asked for',
      'a write the policy forbids',
      'missing call',
      'no identity check',
      'replies without the facts asked for',
      'wrong value',
    ]);
    const refund = records.find((entry) => entry.model === 'oracle' && entry.id === 'refund_full_order');
    expect(refund?.steps).toBe(5);
    expect(refund?.calls.map((call) => call.name)).toEqual([
      'find_customer_by_email',
      'get_order',
      'refund_order',
    ]);
    // The database answered the agent: the order's row came back in the tool result.
    const toolResults = refund?.episode?.transcript.filter((message) => message.role === 'tool') ?? [];
    expect(JSON.stringify(toolResults[1]?.content)).toContain('3 Park Row, Bath BA1 1AA');
    expect(await readFile(join(outDir, 'report.md'), 'utf8')).toContain(
      '| stateful | oracle | 100.0% | 100.0% |',
    );
  });

  it('scores an answers file by replaying its calls on a fresh database', async () => {
    const [run] = await loadSuites(['stateful']);
    if (!run) throw new Error('no stateful suite');
    const report = await scoreAnswers(run, [
      {
        id: 'stock_recount',
        calls: [{ name: 'adjust_stock', args: { sku: 'MUG-02', delta: -3, reason: 'recount' } }],
        text: 'Corrected to 37.',
      },
      {
        id: 'refuse_refund_too_late',
        calls: [{ name: 'refund_order', args: { order_id: 'O-1003', amount_cents: 3499 } }],
        text: 'Refunded.',
      },
      // A call the tools refuse (stock below zero) changes nothing, so this lookup still passes.
      {
        id: 'lookup_stock',
        calls: [{ name: 'adjust_stock', args: { sku: 'KETTLE-05', delta: -1, reason: 'damaged' } }],
        text: 'There are 14 lamps.',
      },
    ]);
    const verdict = (id: string) => report.cases.find((entry) => entry.id === id);
    expect(verdict('stock_recount')?.correct).toBe(true);
    expect(verdict('refuse_refund_too_late')).toMatchObject({ correct: false });
    expect(verdict('refuse_refund_too_late')?.reason).toContain(
      'orders O-1003: status is "refunded", expected "delivered"',
    );
    expect(verdict('lookup_stock')?.correct).toBe(true);
  });

  it('refuses a data folder with a malformed task, naming the task and field', async () => {
    const data = join(dir(), 'bad-data');
    await mkdir(data, { recursive: true });
    for (const name of ['shop.sql', 'policy.md'])
      await writeFile(join(data, name), await readFile(join(shippedStatefulData, name), 'utf8'));
    await writeFile(
      join(data, 'tasks.json'),
      JSON.stringify([
        {
          id: 'refund_ghost',
          category: 'refund',
          turns: [{ user: 'refund O-9999', actions: [], reply: 'ok' }],
          expect: {
            changes: [{ table: 'orders', key: { id: 'O-9999' }, set: { status: 'refunded' } }],
            replyIncludes: [],
          },
        },
      ]),
    );
    await expect(loadSuites(['stateful'], { dataDir: data })).rejects.toThrow(
      /tasks\.json: task refund_ghost: orders has no row \{id: "O-9999"\} to change/,
    );
    await writeFile(join(data, 'tasks.json'), JSON.stringify([{ id: 'no_turns', category: 'x', turns: [] }]));
    await expect(loadSuites(['stateful'], { dataDir: data })).rejects.toThrow(/task 1 \(no_turns\): turns: /);
  });
});
