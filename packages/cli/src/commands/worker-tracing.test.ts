import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRunQueue, type QueuedRun, type RunQueue } from '@hearth/queue';
import { makeMediaFixtures, startServices, stopServices } from '@hearth/testkit';
import type { ReceivedSpan } from '@hearth/tracing';
import { type OtlpReceiver, startOtlpReceiver } from '@hearth/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth, startHearth } from './test-support/hearth-binary.js';
import { until } from './test-support/until.js';

const workflow = fileURLToPath(new URL('./test-support/approval-workflow.ts', import.meta.url));

let dir: string;
let urls: { redisUrl: string; postgresUrl: string };
let receiver: OtlpReceiver;
let queue: RunQueue | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-worker-trace-'));
  urls = await startServices({ dir: join(dir, 'services') });
  receiver = await startOtlpReceiver();
});

afterAll(async () => {
  await queue?.close();
  await receiver?.close();
  await stopServices(join(dir, 'services')).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** The spans of every trace whose run span names `runId`, split by trace (one per delivery). */
const tracesOf = (runId: string): ReceivedSpan[][] => {
  const roots = receiver.spans.filter((span) => span.attributes['hearth.run.id'] === runId);
  return [...new Set(roots.map((span) => span.traceId))].map((traceId) =>
    receiver.spans.filter((span) => span.traceId === traceId),
  );
};

describe('hearth worker with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('sends the same GenAI spans for a queued run as hearth run does: run, nodes, chat turns, then the approved tool call', async () => {
    const queueEnv = { HEARTH_REDIS_URL: urls.redisUrl, HEARTH_POSTGRES_URL: urls.postgresUrl };
    const worker = startHearth(['worker', '--model', 'tiny', '--workdir-root', join(dir, 'workdirs')], {
      env: { ...queueEnv, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    const png = (await makeMediaFixtures()).screenshotPng;
    // The enqueuing process has no endpoint: every span below comes from the worker.
    const enqueued = await runHearth(['run', workflow, '--queue', '--detach', '--json', '--image', png], {
      env: queueEnv,
    });
    expect(enqueued.code, enqueued.stderr).toBe(0);
    const runId = JSON.parse(enqueued.stdout).runId as string;
    queue = await openRunQueue(urls);
    const runQueue = queue;
    const settled = (status: string) => async () => {
      const run = await runQueue.get(runId);
      if (run?.status === 'failed') throw new Error(`run failed: ${run.error?.message}\n${worker.stderr()}`);
      return run?.status === status ? run : undefined;
    };
    await until('the queued run to pause for approval', settled('paused'), 300_000);
    // The run span ends last: once it is here, the delivery's spans are.
    const runSpanOf = (spans: ReceivedSpan[]) =>
      spans.find((span) => span.name === 'invoke_workflow approval-demo');
    const pausedSpans = await until(
      'the spans of the paused delivery',
      () => {
        const traces = tracesOf(runId);
        return traces.length === 1 && traces[0] && runSpanOf(traces[0]) ? traces[0] : undefined;
      },
      60_000,
    );
    const root = runSpanOf(pausedSpans);
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'approval-demo',
      'gen_ai.conversation.id': runId,
      'gen_ai.request.model': 'tiny',
      'hearth.run.resumed': false,
      'hearth.run.status': 'paused',
      'hearth.run.pending_approvals': 1,
    });
    const describeNode = pausedSpans.find((span) => span.name === 'describe');
    expect(describeNode?.parentSpanId).toBe(root?.spanId);
    const chats = pausedSpans.filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
    expect(chats.length).toBeGreaterThan(0);
    for (const chat of chats) {
      expect(chat.attributes).toMatchObject({
        'gen_ai.request.model': 'tiny',
        'gen_ai.provider.name': 'llama.cpp',
      });
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }

    const approved = await runHearth(['run', '--resume', runId, '--queue', '--approve', '--detach'], {
      env: queueEnv,
    });
    expect(approved.code, approved.stderr).toBe(0);
    const done = (await until('the approved run to finish', settled('done'), 120_000)) as QueuedRun;
    expect(done.status).toBe('done');
    const resumed = await until(
      'the spans of the approved delivery',
      () => tracesOf(runId).find((spans) => spans[0]?.traceId !== root?.traceId && runSpanOf(spans)),
      60_000,
    );
    const tool = resumed.find((span) => span.name === 'execute_tool append_note');
    expect(tool?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'append_note',
      'gen_ai.tool.call.id': 'save',
    });
    expect(tool?.parentSpanId).toBe(resumed.find((span) => span.name === 'save')?.spanId);
    expect(resumed.find((span) => span.parentSpanId === undefined)?.attributes).toMatchObject({
      'hearth.run.id': runId,
      'hearth.run.status': 'done',
      'hearth.run.resumed': true,
    });

    worker.child.kill('SIGTERM');
    expect((await worker.closed).code, worker.stderr()).toBe(0);
    expect(worker.stderr()).not.toContain('tracing warning');
  }, 600_000);
});
