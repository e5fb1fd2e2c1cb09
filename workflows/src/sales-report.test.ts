import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedEngine } from '@hearth/core/testing';
import { startTinyEngine } from '@hearth/model/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesReportWorkflow } from './sales-report.js';

const expectedRevenue = { north: 2042.5, south: 2390, east: 2025, west: 1520 };

describe('sales-report workflow, scripted model', () => {
  it('computes every region in parallel with the calculator, ranks, summarises and writes the report', async () => {
    const engine = new ScriptedEngine(() => ({
      json: {
        action: 'final_answer',
        answer: { headline: 'South leads with 2390', highlights: ['West fell in August'] },
      },
    }));
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-sales-'));
    const result = await salesReportWorkflow.run({}, { engine, workdir, checkpointer: 'memory' });
    const output = result.output;
    expect(output?.revenue).toEqual(expectedRevenue);
    expect(output?.ranking.map((r) => r.region)).toEqual(['south', 'north', 'east', 'west']);
    expect(result.steps.map((s) => s.node).filter((n) => n !== 'model')).toEqual([
      'parse',
      'regionRevenue',
      'regionRevenue',
      'regionRevenue',
      'regionRevenue',
      'rank',
      'summarize',
      'write',
    ]);
    const report = readFileSync(join(workdir, 'reports/sales-report.md'), 'utf8');
    expect(report).toContain('# South leads with 2390');
    expect(report).toContain('| south | 2390.00 | 30.0% |');
    expect(report).toContain('- West fell in August');
    // The analyst saw the computed table.
    expect(JSON.stringify(engine.requests[0]?.messages)).toContain('| north | 2042.50 |');
  });

  it('rejects a malformed CSV with the line that is wrong', async () => {
    const run = salesReportWorkflow.run(
      { csv: 'region,month,units,unit_price\nnorth,2026-07,lots,9' },
      { checkpointer: 'memory' },
    );
    await expect(run).rejects.toThrow(
      /sales CSV line 2: expected region,month,units,unit_price with numbers/,
    );
  });
});

describe('sales-report workflow, tiny Gemma 4 (real stack)', () => {
  let engine: Awaited<ReturnType<typeof startTinyEngine>>;
  beforeAll(async () => {
    engine = await startTinyEngine();
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('completes with exact numbers (tool-computed) and a schema-shaped summary', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-sales-real-'));
    const result = await salesReportWorkflow.run({}, { engine, workdir, checkpointer: 'memory' });
    expect(result.status).toBe('done');
    expect(result.output?.revenue).toEqual(expectedRevenue);
    expect(result.output?.summary?.headline.length).toBeGreaterThan(0);
    expect(result.output?.summary?.highlights.length).toBeLessThanOrEqual(3);
    expect(readFileSync(join(workdir, 'reports/sales-report.md'), 'utf8')).toContain(
      '| south | 2390.00 | 30.0% |',
    );
  });
});
