import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '@hearth/core';
import { startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunQueue } from './run-queue.js';
import { startWorkerProcess, type WorkerProcess } from './test-support/worker-processes.js';
import type { QueuedRun, RunQueue } from './types.js';

const countedWorkflow = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));
const approvalWorkflow = fileURLToPath(new URL('./test-support/approval-workflow.ts', import.meta.url));

let dir: string;
let urls: { redisUrl: string; postgresUrl: string };
let queueIndex = 0;
const workers: WorkerProcess[] = [];
const queues: RunQueue[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-queue-test-'));
  urls = await startServices({ dir: join(dir, 'services') });
});

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  for (const queue of queues) await queue.close();
  await stopServices(join(dir, 'services')).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** A fresh queue name per test, so leftovers of one test never reach another's workers. */
async function freshQueue() {
  queueIndex += 1;
  const queueName = `test-${process.pid}-${queueIndex}`;
  const queue = await openRunQueue({ ...urls, queueName });
  queues.push(queue);
  const startWorker = (concurrency = 1) => {
    const worker = startWorkerProcess({
      HEARTH_REDIS_URL: urls.redisUrl,
      HEARTH_POSTGRES_URL: urls.postgresUrl,
      TEST_QUEUE: queueName,
      TEST_CONCURRENCY: String(concurrency),
      TEST_WORKDIRS: join(dir, 'workdirs'),
    });
    workers.push(worker);
    return worker;
  };
  return { queue, startWorker };
}

async function followToEnd(queue: RunQueue, runId: string) {
  const events: RunEvent[] = [];
  const generator = queue.follow(runId);
  for (;;) {
    const next = await generator.next();
    if (next.done) return { run: next.value as QueuedRun, events };
    events.push(next.value);
  }
}

async function waitFor(check: () => boolean, what: string, worker?: WorkerProcess) {
  for (let tries = 0; tries < 1200; tries++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}\n${worker?.stderr() ?? ''}`);
}

const counterLines = (counter: string) =>
  existsSync(counter) ? readFileSync(counter, 'utf8').trim().split('\n').filter(Boolean) : [];

describe('@hearth/queue on real Redis and Postgres', () => {
  it('runs an enqueued workflow on a worker process; follow sees its events live; each side effect once', async () => {
    const { queue, startWorker } = await freshQueue();
    const counter = join(dir, 'basic.count');
    const run = await queue.enqueue({ target: countedWorkflow, input: { counter } });
    expect(run.status).toBe('queued');
    const worker = startWorker();
    await worker.ready;
    const { run: finished, events } = await followToEnd(queue, run.runId);
    expect(finished.status, worker.stderr()).toBe('done');
    expect(finished.output).toMatchObject({ done: ['s1', 's2', 's3', 's4'] });
    expect(
      events.filter((event) => event.type === 'node-end').map((event) => (event as { node: string }).node),
    ).toEqual(['s1', 's2', 's3', 's4']);
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['s1', 's2', 's3', 's4']);
    const listed = await queue.list();
    expect(listed.find((item) => item.runId === run.runId)).toMatchObject({
      status: 'done',
      targetName: 'counted',
    });
  });
});
