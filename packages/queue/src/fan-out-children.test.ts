// Fan-out branches as child runs (`fanOutChildren`), on real Redis and Postgres with worker processes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import shoutEach, { shoutEngine } from './test-support/agent-fan-out-workflow.js';
import wide from './test-support/branch-workflow.js';
import { queueServicesForFile } from './test-support/queue-services.js';
import type { QueuedRun, RunQueue } from './types.js';

const wideWorkflow = fileURLToPath(new URL('./test-support/branch-workflow.ts', import.meta.url));
const shoutWorkflow = fileURLToPath(new URL('./test-support/agent-fan-out-workflow.ts', import.meta.url));

const { dir, freshQueue } = queueServicesForFile('fan-out', {
  TEST_FAN_OUT_CHILDREN: '1',
});

async function waitForRun(queue: RunQueue, runId: string, logs: () => string): Promise<QueuedRun> {
  for (let tries = 0; tries < 2400; tries++) {
    const run = await queue.get(runId);
    if (run && ['done', 'failed', 'cancelled'].includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for run ${runId}\n${logs()}`);
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, logs: () => string) {
  for (let tries = 0; tries < 1200; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}\n${logs()}`);
}

const counterLines = (counter: string) =>
  existsSync(counter) ? readFileSync(counter, 'utf8').trim().split('\n').filter(Boolean) : [];

/** The items whose branch call ran, one entry per call (a line of the counter file starts with the item), sorted. */
const itemsCalled = (counter: string) =>
  counterLines(counter)
    .map((line) => line.split(' ')[0])
    .sort();

/** How many worker processes ran these runs (a worker id is `host:pid:n`). */
const workerProcessesOf = (runs: QueuedRun[]) => new Set(runs.map((run) => run.worker?.split(':')[1])).size;

/** The child runs of a parent, by their ids (`<parent>/<branch key>`). */
async function childrenOf(queue: RunQueue, parentRunId: string): Promise<QueuedRun[]> {
  return (await queue.list({ limit: 1000 })).filter((run) => run.parentRunId === parentRunId);
}

const items = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('fanOut branches as child runs (fanOutChildren)', () => {
  it('spreads the branches over 3 workers as child runs; the output equals the in-process run; each call once', async () => {
    const { queue, startReadyWorkers } = await freshQueue();
    const { logs } = await startReadyWorkers(3);
    const counter = join(dir(), 'spread.count');
    const run = await queue.enqueue({
      target: wideWorkflow,
      input: { items, counter, holdMs: 600, together: 2 },
    });
    const finished = await waitForRun(queue, run.runId, logs);
    expect(finished.status, logs()).toBe('done');

    const inProcess = await wide.run(
      { items, counter: join(dir(), 'in-process.count'), holdMs: 0 },
      { checkpointer: 'memory' },
    );
    expect(finished.output).toEqual(inProcess.output);
    expect(finished.output).toMatchObject({
      results: items.map((item) => ({ item, upper: item.toUpperCase() })),
    });

    const children = await childrenOf(queue, run.runId);
    expect(children.map((child) => child.runId).sort()).toEqual(
      items.map((_, index) => `${run.runId}/each@2.${index}`),
    );
    expect(children.every((child) => child.status === 'done' && child.targetName === 'branch')).toBe(true);
    expect(children.every((child) => child.targetPath?.join('/') === 'each')).toBe(true);
    // The branches ran as runs of their own on more than one worker process (the first two wait for
    // each other, and a worker runs one at a time, so they cannot share one).
    expect(workerProcessesOf(children)).toBeGreaterThanOrEqual(2);
    expect(itemsCalled(counter)).toEqual(items);
    expect(logs()).toMatch(/waiting for its child runs, holding no worker/);
  });

  it('an agent on a scripted model as the fanned-out target: each branch a child run, the answers equal the in-process run', async () => {
    const { queue, startReadyWorkers } = await freshQueue();
    const { logs } = await startReadyWorkers(3);
    const counter = join(dir(), 'shout.count');
    const run = await queue.enqueue({ target: shoutWorkflow, input: { items, counter } });
    const finished = await waitForRun(queue, run.runId, logs);
    expect(finished.status, logs()).toBe('done');
    const inProcess = await shoutEach.run(
      { items, counter: join(dir(), 'shout-in-process.count') },
      { checkpointer: 'memory', engine: shoutEngine() },
    );
    expect(finished.output).toEqual(inProcess.output);
    expect(finished.output).toEqual({ answers: items.map((item) => item.toUpperCase()) });
    const children = await childrenOf(queue, run.runId);
    expect(children.map((child) => [child.status, child.targetKind, child.targetName])).toEqual(
      items.map(() => ['done', 'agent', 'shout']),
    );
    expect(itemsCalled(counter)).toEqual(items);
  });

  it('one worker with concurrency 1 gets through: the waiting parent holds no slot', async () => {
    const { queue, startWorker } = await freshQueue();
    const worker = startWorker(1);
    await worker.ready;
    const counter = join(dir(), 'single.count');
    const run = await queue.enqueue({ target: wideWorkflow, input: { items: ['x', 'y', 'z'], counter } });
    const finished = await waitForRun(queue, run.runId, worker.stderr);
    expect(finished.status, worker.stderr()).toBe('done');
    expect(finished.output).toMatchObject({
      results: [
        { item: 'x', upper: 'X' },
        { item: 'y', upper: 'Y' },
        { item: 'z', upper: 'Z' },
      ],
    });
    expect((await childrenOf(queue, run.runId)).map((child) => child.status)).toEqual([
      'done',
      'done',
      'done',
    ]);
  });

  it("a child that fails fails its branch and the parent with the child's error", async () => {
    const { queue, startWorker } = await freshQueue();
    const worker = startWorker(2);
    await worker.ready;
    const counter = join(dir(), 'boom.count');
    const run = await queue.enqueue({
      target: wideWorkflow,
      input: { items: ['a', 'boom'], counter },
      attempts: 1,
    });
    const finished = await waitForRun(queue, run.runId, worker.stderr);
    expect(finished.status, worker.stderr()).toBe('failed');
    expect(finished.error).toMatchObject({ code: 'QUEUE_CHILD_RUN_FAILED' });
    expect(finished.error?.message).toContain(`child run "${run.runId}/each@2.1" failed`);
    expect(finished.error?.message).toContain('branch boom exploded');
    const children = await childrenOf(queue, run.runId);
    expect(children.map((child) => child.status).sort()).toEqual(['done', 'failed']);
  });

  it("SIGKILL of the parent's worker while it waits: the parent finishes elsewhere and finished children are not run again", async () => {
    const { queue, startReadyWorkers } = await freshQueue();
    const { started, logs } = await startReadyWorkers(3);
    const counter = join(dir(), 'killed.count');
    // 6 branches on 3 single-slot workers: the second half starts only as the first half ends.
    const run = await queue.enqueue({ target: wideWorkflow, input: { items, counter, holdMs: 1_500 } });
    let finishedBeforeKill: QueuedRun[] = [];
    await waitFor(
      async () => {
        finishedBeforeKill = (await childrenOf(queue, run.runId)).filter((child) => child.status === 'done');
        return finishedBeforeKill.length > 0;
      },
      'a child run to finish',
      logs,
    );
    const parent = await queue.get(run.runId);
    expect(parent?.status, 'the parent waits for its children').toBe('queued');
    const victim = started.find((worker) => worker.child.pid === Number(parent?.worker?.split(':')[1]));
    expect(victim, 'the parent names the worker that ran it').toBeDefined();
    victim?.child.kill('SIGKILL');

    const finished = await waitForRun(queue, run.runId, logs);
    expect(finished.status, logs()).toBe('done');
    expect(finished.output).toMatchObject({
      results: items.map((item) => ({ item, upper: item.toUpperCase() })),
    });
    const children = await childrenOf(queue, run.runId);
    expect(children).toHaveLength(items.length);
    for (const done of finishedBeforeKill)
      expect(children.find((child) => child.runId === done.runId)?.deliveries).toBe(done.deliveries);
    // Each branch's call once, even a child that was running on the killed worker.
    expect(itemsCalled(counter)).toEqual(items);
  });
});
