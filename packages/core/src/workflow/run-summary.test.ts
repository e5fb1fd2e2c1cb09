import { HearthError, type RunSummary } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflow, END, START } from './define-workflow.js';
import { summarizeRun } from './run-summary.js';

const startedAt = new Date('2026-07-01T10:00:00.000Z');
const endedAt = new Date('2026-07-01T10:00:02.500Z');
const target = { name: 'doubler', kind: 'workflow' as const };

describe('summarizeRun', () => {
  it('sums up a finished run with its output, steps and timings', async () => {
    const doubler = defineWorkflow({
      name: 'doubler',
      description: 'doubles a number',
      state: z.object({ n: z.number() }),
      nodes: { double: { run: (state) => ({ n: state.n * 2 }) } },
      edges: [
        { from: START, to: 'double' },
        { from: 'double', to: END },
      ],
    });
    const result = await doubler.run({ n: 21 }, { checkpointer: 'memory', threadId: 'run-1' });
    const summary: RunSummary<{ n: number }> = summarizeRun({
      target: doubler,
      runId: result.threadId,
      startedAt,
      endedAt,
      result,
    });
    expect(summary).toMatchObject({
      runId: 'run-1',
      target: 'doubler',
      targetKind: 'workflow',
      status: 'done',
      startedAt: '2026-07-01T10:00:00.000Z',
      endedAt: '2026-07-01T10:00:02.500Z',
      durationMs: 2500,
      output: { n: 42 },
      pendingApprovals: [],
    });
    expect(summary.steps.map((step) => [step.node, step.status])).toEqual([['double', 'done']]);
    expect(summary).not.toHaveProperty('error');
  });

  it('sums up a paused run with its pending approvals and no output', () => {
    const request = {
      id: 'i1',
      source: 'doubler',
      calls: [{ callId: 'c1', tool: 'shell', args: { cmd: 'ls' } }],
    };
    const summary = summarizeRun({
      target,
      runId: 'run-2',
      startedAt,
      endedAt,
      result: { threadId: 'run-2', status: 'paused', pendingApprovals: [request], steps: [], state: {} },
    });
    expect(summary).toMatchObject({ status: 'paused', pendingApprovals: [request] });
    expect(summary).not.toHaveProperty('output');
  });

  it("sums up a failed run with the error's name, code and message", () => {
    class ToolBrokeError extends HearthError {
      constructor() {
        super('TOOL_BROKE', 'the tool broke');
      }
    }
    const summary = summarizeRun({ target, runId: 'run-3', startedAt, endedAt, error: new ToolBrokeError() });
    expect(summary).toMatchObject({
      status: 'failed',
      error: { name: 'ToolBrokeError', code: 'TOOL_BROKE', message: 'the tool broke' },
      pendingApprovals: [],
      steps: [],
    });
    const plain = summarizeRun({ target, runId: 'run-3', startedAt, endedAt, error: 'a string' });
    expect(plain.error).toEqual({ name: 'Error', message: 'a string' });
  });

  it('reports an error after the run was aborted as cancelled', () => {
    const controller = new AbortController();
    controller.abort();
    const summary = summarizeRun({
      target,
      runId: 'run-4',
      startedAt,
      endedAt,
      error: controller.signal.reason,
      signal: controller.signal,
    });
    expect(summary.status).toBe('cancelled');
    expect(summary.error?.name).toBe('AbortError');
  });
});
