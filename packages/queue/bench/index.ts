/**
 * Queue benchmarks on a real Redis and Postgres (started here, stopped at the end), printed, never
 * asserted:
 * 1. Throughput of 1 vs 4 worker processes (concurrency 1 each) on I/O-bound runs (4 steps waiting
 *    BENCH_STEP_MS each): runs/s and the speed-up (goal >= 3.5x).
 * 2. Enqueue-to-start latency with idle workers: p50/p99 of (worker started the run - run enqueued),
 *    both times taken by Postgres.
 * 3. Failover: the time from SIGKILLing the worker that runs a run to the run continuing on another
 *    worker. It is bounded below by the job lock (3 s in these workers; `hearth worker --stall-timeout`).
 * Run: npm run bench -w @hearth/queue  (about three minutes on 2 cores)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startServices, stopServices } from '@hearth/testkit';
import { openRunQueue } from '../src/run-queue.js';
import { startWorkerProcess, type WorkerProcess } from '../src/test-support/worker-processes.js';
import type { QueuedRun, RunQueue } from '../src/types.js';

const stepMs = Number(process.env.BENCH_STEP_MS ?? 1_000);
const throughputRuns = Number(process.env.BENCH_RUNS ?? 16);
const latencySamples = Number(process.env.BENCH_LATENCY_SAMPLES ?? 40);
const failovers = Number(process.env.BENCH_FAILOVERS ?? 3);
const ioWorkflow = fileURLToPath(new URL('./io-workflow.ts', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'hearth-queue-bench-'));
const services = join(dir, 'services');
const urls = await startServices({ dir: services });
const workers: WorkerProcess[] = [];
let queueIndex = 0;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (value: number) => `${Math.round(value)} ms`;

/** A fresh queue (its own name on the shared servers) and `count` worker processes on it, ready. */
async function freshQueue(count: number): Promise<{ queue: RunQueue; started: WorkerProcess[] }> {
  queueIndex += 1;
  const queueName = `bench-${process.pid}-${queueIndex}`;
  const queue = await openRunQueue({ ...urls, queueName });
  const started = Array.from({ length: count }, () =>
    startWorkerProcess({
      HEARTH_REDIS_URL: urls.redisUrl,
      HEARTH_POSTGRES_URL: urls.postgresUrl,
      TEST_QUEUE: queueName,
      TEST_CONCURRENCY: '1',
      TEST_WORKDIRS: join(dir, 'workdirs'),
    }),
  );
  workers.push(...started);
  await Promise.all(started.map((worker) => worker.ready));
  return { queue, started };
}

async function stop(started: WorkerProcess[], queue: RunQueue): Promise<void> {
  for (const worker of started) worker.child.kill('SIGKILL');
  await Promise.all(started.map((worker) => worker.exited));
  await queue.close();
}

/**
 * Waits until every run in `runIds` is done, looking every `pollMs` (slowly where the runs are long:
 * the bench's own queries would take CPU from the workers); returns them.
 */
async function allDone(queue: RunQueue, runIds: string[], pollMs: number): Promise<QueuedRun[]> {
  for (;;) {
    const runs = await Promise.all(runIds.map((runId) => queue.get(runId)));
    const failed = runs.find((run) => run?.status === 'failed' || run?.status === 'cancelled');
    if (failed) throw new Error(`run ${failed.runId} ${failed.status}: ${failed.error?.message}`);
    if (runs.every((run) => run?.status === 'done')) return runs as QueuedRun[];
    await sleep(pollMs);
  }
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Section 1: runs/s of `throughputRuns` runs on `count` workers, from the first enqueue to the last
 * run's end (both recorded by Postgres, so the polling here does not round the time).
 */
async function throughput(count: number): Promise<number> {
  const { queue, started } = await freshQueue(count);
  const runIds: string[] = [];
  for (let index = 0; index < throughputRuns; index++)
    runIds.push((await queue.enqueue({ target: ioWorkflow, input: { stepMs } })).runId);
  const runs = await allDone(queue, runIds, 1_000);
  const first = Math.min(...runs.map((run) => time(run.createdAt)));
  const last = Math.max(...runs.map((run) => time(run.endedAt)));
  await stop(started, queue);
  return throughputRuns / ((last - first) / 1000);
}

/** Section 2: runs enqueued one at a time to idle workers; startedAt - createdAt of each. */
async function enqueueToStart(): Promise<number[]> {
  const { queue, started } = await freshQueue(4);
  const latencies: number[] = [];
  for (let index = 0; index < latencySamples; index++) {
    const { runId } = await queue.enqueue({ target: ioWorkflow, input: { stepMs: 0 } });
    const [run] = await allDone(queue, [runId], 20);
    latencies.push(time(run?.startedAt) - time(run?.createdAt));
  }
  await stop(started, queue);
  return latencies;
}

/** Section 3: SIGKILL the worker running a run mid-step; time until another worker runs it. */
async function failover(): Promise<number> {
  const { queue, started } = await freshQueue(2);
  const { runId } = await queue.enqueue({ target: ioWorkflow, input: { stepMs: 2_000 } });
  let run = await queue.get(runId);
  while (run?.status !== 'running' || !run.worker) {
    await sleep(20);
    run = await queue.get(runId);
  }
  const first = run.worker;
  const victim = started.find((worker) => worker.child.pid === Number(first.split(':')[1]));
  if (!victim) throw new Error(`no worker process for ${first}`);
  // Mid-step: the first step has started.
  await sleep(500);
  const killedAt = performance.now();
  victim.child.kill('SIGKILL');
  for (;;) {
    run = await queue.get(runId);
    if (run?.status === 'running' && run.worker && run.worker !== first) break;
    await sleep(20);
  }
  const took = performance.now() - killedAt;
  await allDone(queue, [runId], 200);
  await stop(started, queue);
  return took;
}

try {
  console.log(`Queue bench: Redis ${urls.redisUrl}, Postgres ${urls.postgresUrl}`);
  console.log(
    `\n1. Throughput, ${throughputRuns} I/O-bound runs (4 steps x ${stepMs} ms), worker processes of concurrency 1`,
  );
  const one = await throughput(1);
  const four = await throughput(4);
  console.log(`  1 worker:  ${one.toFixed(2)} runs/s`);
  console.log(`  4 workers: ${four.toFixed(2)} runs/s`);
  console.log(`  speed-up:  ${(four / one).toFixed(2)}x (goal >= 3.5x; ideal 4x)`);

  console.log(
    `\n2. Enqueue-to-start latency, ${latencySamples} runs enqueued one at a time to 4 idle workers`,
  );
  const latencies = await enqueueToStart();
  console.log(
    `  p50 ${ms(quantile(latencies, 0.5))}   p99 ${ms(quantile(latencies, 0.99))}   max ${ms(Math.max(...latencies))}`,
  );

  console.log(
    `\n3. Failover: SIGKILL of the worker running a run -> the run running on another worker (${failovers} times)`,
  );
  const times: number[] = [];
  for (let index = 0; index < failovers; index++) times.push(await failover());
  console.log(
    `  ${times.map(ms).join(', ')}   median ${ms(quantile(times, 0.5))} (job lock 3 s, stalled-job check every 1 s)`,
  );
} finally {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await stopServices(services).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
