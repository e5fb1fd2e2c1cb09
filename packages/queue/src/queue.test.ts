import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '@hearth/core';
import { restartRedis, startServices, stopServices } from '@hearth/testkit';
import { Queue } from 'bullmq';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openRunQueue } from './run-queue.js';
import { startRunWorker } from './run-worker.js';
import { queueServicesForFile } from './test-support/queue-services.js';
import type { WorkerProcess } from './test-support/worker-processes.js';
import type { QueuedRun, RunQueue } from './types.js';

const countedWorkflow = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));
const mediaWorkflow = fileURLToPath(new URL('./test-support/media-workflow.ts', import.meta.url));
const gatherWorkflow = fileURLToPath(new URL('./test-support/gather-workflow.ts', import.meta.url));
const approvalWorkflow = fileURLToPath(new URL('./test-support/approval-workflow.ts', import.meta.url));

const { dir, urls, freshQueue, closeAfterTests } = queueServicesForFile('queue');

/** The worker process whose id (`host:pid:n`) is recorded on the run. */
function workerRunning(run: QueuedRun | undefined, among: WorkerProcess[]): WorkerProcess | undefined {
  const pid = Number(run?.worker?.split(':')[1]);
  return among.find((worker) => worker.child.pid === pid);
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

/**
 * The length of the first complete RESP command (`*N` then N bulk strings) in `text`, or 0 while
 * it is still arriving.
 */
function completeCommandLength(text: string): number {
  const header = /^\*(\d+)\r\n/.exec(text);
  if (!header) return 0;
  let at = header[0].length;
  for (let arg = 0; arg < Number(header[1]); arg++) {
    const bulk = /^\$(\d+)\r\n/.exec(text.slice(at));
    if (!bulk) return 0;
    at += bulk[0].length + Number(bulk[1]) + 2;
    if (at > text.length) return 0;
  }
  return at;
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
    const counter = join(dir(), 'basic.count');
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

  it('a worker SIGKILLed mid-run: another finishes it from its checkpoint, and the call recorded before the kill is not made again', async () => {
    const { queue, startWorker } = await freshQueue();
    const first = startWorker();
    const second = startWorker();
    await Promise.all([first.ready, second.ready]);
    const counter = join(dir(), 'killed.count');
    const run = await queue.enqueue({ target: countedWorkflow, input: { counter, holdMs: 1_500 } });
    // s2's call is made and recorded; the worker is killed while s2 holds, before s2 is checkpointed.
    await waitFor(() => existsSync(`${counter}.in-s2`), 's2 to start', first);
    const victim = workerRunning(await queue.get(run.runId), [first, second]);
    expect(victim, 'the run names the worker process running it').toBeDefined();
    victim?.child.kill('SIGKILL');
    const survivor = victim === first ? second : first;

    const { run: finished } = await followToEnd(queue, run.runId);
    expect(finished.status, survivor.stderr()).toBe('done');
    expect((await victim?.exited)?.signal).toBe('SIGKILL');
    expect(workerRunning(finished, [first, second])).toBe(survivor);
    expect(finished.deliveries).toBeGreaterThanOrEqual(2);
    const lines = counterLines(counter);
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['s1', 's2', 's3', 's4']);
    expect(new Set(lines.map((line) => line.split(' ')[1])).size).toBe(4);
    expect(survivor.stderr()).toMatch(/1 tool result\(s\) reused from the ledger/);
  });

  it('the lease: a second delivery of a running run waits for the holder and never runs its nodes again', async () => {
    const { queue, queueName, startWorker } = await freshQueue();
    const first = startWorker();
    const second = startWorker();
    await Promise.all([first.ready, second.ready]);
    const counter = join(dir(), 'leased.count');
    const run = await queue.enqueue({ target: countedWorkflow, input: { counter, holdMs: 700 } });
    await waitFor(() => existsSync(`${counter}.in-s1`), 's1 to start', first);
    // What BullMQ does after a lapsed job lock: the same run delivered again, to the idle worker.
    const bull = new Queue(queueName, {
      connection: { host: '127.0.0.1', port: Number(new URL(urls().redisUrl).port) },
    });
    await bull.add('run', { runId: run.runId, generation: 1 }, { jobId: 'duplicate-delivery' });
    await bull.close();

    const { run: finished } = await followToEnd(queue, run.runId);
    expect(finished.status).toBe('done');
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['s1', 's2', 's3', 's4']);
    await waitFor(
      () => /held by another worker/.test(first.stderr() + second.stderr()),
      'the duplicate delivery to be refused by the lease',
    );
    expect(finished.deliveries).toBe(1);
  });

  it('approval across workers: a paused run frees its worker; a decision from another client is run by another worker', async () => {
    const { queue, queueName, startWorker } = await freshQueue();
    const first = startWorker();
    await first.ready;
    const counter = join(dir(), 'approval.count');
    const run = await queue.enqueue({ target: approvalWorkflow, input: { counter } });
    const { run: paused, events } = await followToEnd(queue, run.runId);
    expect(paused.status, first.stderr()).toBe('paused');
    expect(paused.pendingApprovals[0]?.calls[0]).toMatchObject({ tool: 'publish' });
    expect(events.some((event) => event.type === 'approval-required')).toBe(true);
    expect(counterLines(counter)).toEqual([]);
    await expect(queue.resume(run.runId)).rejects.toMatchObject({ code: 'QUEUE_RUN_STATE' });

    // The pausing worker goes away; another machine decides, another worker continues.
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    const second = startWorker();
    await second.ready;
    const elsewhere = await openRunQueue({ ...urls(), queueName });
    closeAfterTests(elsewhere);
    const continued = await elsewhere.resume(run.runId, { approve: true });
    expect(continued.status).toBe('queued');
    const { run: finished } = await followToEnd(elsewhere, run.runId);
    expect(finished.status, second.stderr()).toBe('done');
    expect(finished.output).toMatchObject({ result: 'published' });
    expect(workerRunning(finished, [second])).toBe(second);
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['publish']);
  });

  it('a paused run re-delivered before its pause was recorded is recorded as paused, with the same request, not run on', async () => {
    const { queue, queueName, startWorker } = await freshQueue();
    const worker = startWorker();
    await worker.ready;
    const counter = join(dir(), 'pause-unrecorded.count');
    const run = await queue.enqueue({ target: approvalWorkflow, input: { counter } });
    const { run: paused } = await followToEnd(queue, run.runId);
    expect(paused.status, worker.stderr()).toBe('paused');
    // As if the worker had died after the checkpoint and before writing the status: running, job re-delivered.
    const db = new pg.Client({ connectionString: urls().postgresUrl });
    await db.connect();
    await db.query(
      "update hearth_runs set status = 'running', pending_approvals = '[]', generation = generation + 1 where run_id = $1",
      [run.runId],
    );
    await db.end();
    const bull = new Queue(queueName, {
      connection: { host: '127.0.0.1', port: Number(new URL(urls().redisUrl).port) },
    });
    await bull.add('run', { runId: run.runId, generation: 2 }, { jobId: 'redelivered-pause' });
    await bull.close();
    const { run: again } = await followToEnd(queue, run.runId);
    expect(again.status, worker.stderr()).toBe('paused');
    expect(again.pendingApprovals).toEqual(paused.pendingApprovals);
    expect(counterLines(counter)).toEqual([]);
  });

  it('cancels a running run (its worker aborts it), and resume continues it from its checkpoint without repeating calls', async () => {
    const { queue, startWorker } = await freshQueue();
    const worker = startWorker();
    await worker.ready;
    const counter = join(dir(), 'cancelled.count');
    const run = await queue.enqueue({ target: countedWorkflow, input: { counter, holdMs: 1_500 } });
    await waitFor(() => existsSync(`${counter}.in-s1`), 's1 to start', worker);
    await queue.cancel(run.runId);
    const { run: cancelled } = await followToEnd(queue, run.runId);
    expect(cancelled.status, worker.stderr()).toBe('cancelled');
    expect(cancelled.error?.name).toBe('AbortError');
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['s1']);

    await queue.resume(run.runId);
    const { run: resumed } = await followToEnd(queue, run.runId);
    expect(resumed.status, worker.stderr()).toBe('done');
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('attachments and tool media travel through Postgres by content hash', async () => {
    const { queue, startWorker } = await freshQueue();
    const worker = startWorker();
    await worker.ready;
    const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3, 4]);
    const wav = new Uint8Array([82, 73, 70, 70, 9, 8, 7]);
    const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    const run = await queue.enqueue({
      target: mediaWorkflow,
      attachments: [
        { kind: 'image', mimeType: 'image/png', bytes: png },
        { kind: 'audio', mimeType: 'audio/wav', bytes: wav },
      ],
    });
    const { run: finished } = await followToEnd(queue, run.runId);
    expect(finished.status, worker.stderr()).toBe('done');
    expect(finished.output).toMatchObject({
      inputDigests: [digest(png), digest(wav)],
      toolDigest: digest(png),
    });
    const db = new pg.Client({ connectionString: urls().postgresUrl });
    await db.connect();
    const { rows } = await db.query('select sha256 from hearth_blobs where sha256 = any($1)', [
      [digest(png), digest(wav)],
    ]);
    const ledger = await db.query('select result from hearth_tool_ledger where run_id = $1', [run.runId]);
    await db.end();
    expect(rows.map((row) => row.sha256).sort()).toEqual([digest(png), digest(wav)].sort());
    expect(JSON.stringify(ledger.rows[0]?.result)).toContain(`{"$blob":"${digest(png)}"}`);
  });

  it('a run whose job was lost (Redis emptied) is re-enqueued by the recovery sweep and continues from its checkpoint', async () => {
    const { queue, queueName, startWorker } = await freshQueue();
    const counter = join(dir(), 'lost.count');
    const run = await queue.enqueue({ target: countedWorkflow, input: { counter } });
    const bull = new Queue(queueName, {
      connection: { host: '127.0.0.1', port: Number(new URL(urls().redisUrl).port) },
    });
    await bull.obliterate({ force: true });
    await bull.close();
    const worker = startWorker();
    await worker.ready;
    const { run: finished } = await followToEnd(queue, run.runId);
    expect(finished.status, worker.stderr()).toBe('done');
    expect(worker.stderr()).toMatch(/its job was missing; re-enqueued/);
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('SIGTERM past the shutdown deadline puts the active run back on the queue; the next worker continues it', async () => {
    const { queue, startWorker } = await freshQueue();
    const first = startWorker();
    await first.ready;
    const counter = join(dir(), 'shutdown.count');
    // Each step holds longer than the worker's 5 s shutdown deadline.
    const run = await queue.enqueue({ target: countedWorkflow, input: { counter, holdMs: 6_000 } });
    await waitFor(() => existsSync(`${counter}.in-s1`), 's1 to start', first);
    first.child.kill('SIGTERM');
    expect((await first.exited).code, first.stderr()).toBe(0);
    expect(first.stderr()).toMatch(/putting them back on the queue/);
    expect((await queue.get(run.runId))?.status).toBe('queued');

    const second = startWorker();
    await second.ready;
    const { run: finished } = await followToEnd(queue, run.runId);
    expect(finished.status, second.stderr()).toBe('done');
    expect(workerRunning(finished, [second])).toBe(second);
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('fans out child runs over several workers (a BullMQ flow); the fan-in run gets their results once all stopped', async () => {
    const { queue, startReadyWorkers } = await freshQueue();
    const { logs } = await startReadyWorkers(3);
    const counters = [1, 2, 3].map((index) => join(dir(), `fan-${index}.count`));
    const { fanIn, children } = await queue.fanOut({
      children: counters.map((counter, index) => ({
        target: countedWorkflow,
        input: { counter, holdMs: 400 },
        runId: `child-${index + 1}`,
      })),
      fanIn: { target: gatherWorkflow, runId: 'gathered' },
    });
    expect(fanIn).toMatchObject({ status: 'queued', children: ['child-1', 'child-2', 'child-3'] });
    const { run: finished } = await followToEnd(queue, fanIn.runId);
    expect(finished.status, logs()).toBe('done');
    const steps = JSON.stringify(['s1', 's2', 's3', 's4']);
    expect(finished.output).toMatchObject({
      summary: [`child-1:done:${steps}`, `child-2:done:${steps}`, `child-3:done:${steps}`],
    });
    for (const counter of counters) expect(counterLines(counter)).toHaveLength(4);
    // The children ran side by side on different workers.
    const ranOn = new Set(
      (await Promise.all(children.map((child) => queue.get(child.runId)))).map((child) => child?.worker),
    );
    expect(ranOn.size).toBeGreaterThanOrEqual(2);
  });

  it('refuses a taken run id and unknown runs with specific errors', async () => {
    const { queue } = await freshQueue();
    const counter = join(dir(), 'taken.count');
    await queue.enqueue({ target: countedWorkflow, input: { counter }, runId: 'taken:id' });
    await expect(
      queue.enqueue({ target: countedWorkflow, input: { counter }, runId: 'taken:id' }),
    ).rejects.toMatchObject({
      code: 'QUEUE_RUN_STATE',
    });
    await expect(queue.cancel('no-such-run')).rejects.toMatchObject({ code: 'QUEUE_RUN_NOT_FOUND' });
    expect(await queue.get('no-such-run')).toBeUndefined();
  });

  it('says which server is unreachable, naming the URL', async () => {
    const closedPort = 'redis://127.0.0.1:1';
    await expect(
      openRunQueue({ redisUrl: closedPort, postgresUrl: urls().postgresUrl }),
    ).rejects.toMatchObject({
      code: 'QUEUE_REDIS_UNREACHABLE',
      message: expect.stringContaining('127.0.0.1:1'),
    });
    await expect(
      openRunQueue({
        redisUrl: urls().redisUrl,
        postgresUrl: 'postgres://postgres:secret@127.0.0.1:1/postgres',
      }),
    ).rejects.toMatchObject({
      code: 'QUEUE_POSTGRES_UNREACHABLE',
      message: expect.not.stringContaining('secret'),
    });
  });

  it('refuses a Redis older than BullMQ needs, saying its version and the minimum', async () => {
    // A stand-in that speaks RESP and reports Redis 5.0.7 to every command (INFO included). It
    // answers once per command, not once per chunk: ioredis pipelines its connect-time commands
    // (CLIENT SETINFO, the ready check's INFO), and TCP may deliver several in one chunk.
    const info = 'redis_version:5.0.7\r\nloading:0\r\n';
    const oldRedis = createServer((socket) => {
      let pending = '';
      socket.on('data', (chunk) => {
        pending += chunk.toString('latin1');
        for (
          let length = completeCommandLength(pending);
          length > 0;
          length = completeCommandLength(pending)
        ) {
          pending = pending.slice(length);
          socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
        }
      });
    });
    await new Promise<void>((resolve) => oldRedis.listen(0, '127.0.0.1', resolve));
    const port = (oldRedis.address() as AddressInfo).port;
    try {
      await expect(
        openRunQueue({ redisUrl: `redis://127.0.0.1:${port}`, postgresUrl: urls().postgresUrl }),
      ).rejects.toMatchObject({
        code: 'QUEUE_REDIS_VERSION',
        message: expect.stringMatching(/version 5\.0.*6\.2 or newer/),
      });
    } finally {
      oldRedis.close();
    }
  });

  it('sets the schema up once when many clients start together on a fresh database', async () => {
    const admin = new pg.Client({ connectionString: urls().postgresUrl });
    await admin.connect();
    await admin.query('create database migrations_race');
    await admin.end();
    const url = new URL(urls().postgresUrl);
    url.pathname = '/migrations_race';
    const opened = await Promise.all(
      Array.from({ length: 6 }, () =>
        openRunQueue({ redisUrl: urls().redisUrl, postgresUrl: url.toString() }),
      ),
    );
    closeAfterTests(...opened);
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const { rows } = await check.query('select version from hearth_queue_migrations order by version');
    await check.end();
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
  });

  it('a Redis restart mid-run: the worker reconnects and the run finishes', async () => {
    const { queue, startWorker } = await freshQueue();
    const worker = startWorker();
    await worker.ready;
    const counter = join(dir(), 'redis-restart.count');
    const run = await queue.enqueue({ target: countedWorkflow, input: { counter, holdMs: 400 } });
    await waitFor(() => existsSync(`${counter}.in-s1`), 's1 to start', worker);
    await restartRedis(join(dir(), 'services'));
    const { run: finished } = await followToEnd(queue, run.runId);
    expect(finished.status, worker.stderr()).toBe('done');
    expect(counterLines(counter).map((line) => line.split(' ')[0])).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('closes a worker within its deadline when Redis is gone', async () => {
    const servicesDir = join(dir(), 'doomed-services');
    const doomed = await startServices({ dir: servicesDir });
    const worker = await startRunWorker({
      ...doomed,
      loadTarget: () => Promise.reject(new Error('no runs in this test')),
    });
    process.kill(Number(readFileSync(join(servicesDir, 'redis', 'redis.pid'), 'utf8')), 'SIGKILL');
    await expect(worker.close({ deadlineMs: 1_000 })).resolves.toBeUndefined();
    await stopServices(servicesDir);
  });
});
