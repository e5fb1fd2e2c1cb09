import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  type AnyRunTarget,
  type ApprovalRequest,
  hearthHome,
  type RunEvent,
  type RunResult,
  summarizeRun,
} from '@hearth/core';
import { DelayedError, type Job, Queue, WaitingChildrenError, WaitingError, Worker } from 'bullmq';
import { type Backends, jobIdOf, openBackends, type RunJobData, settlesWithin } from './backends.js';
import { loadBlobs, storeBlobs } from './blobs.js';
import { ChildRuns } from './child-runs.js';
import { postgresPool, redisClient } from './connections.js';
import { QueueRunStateError } from './errors/queue-run-state-error.js';
import { tryLease } from './lease.js';
import { PostgresToolLedger } from './ledger.js';
import { addRunJob } from './run-queue.js';
import { finishedStatuses, type RunRow, Sql } from './run-store.js';
import type { ChildRunResult, RunObserver, RunProgress, RunWorker, RunWorkerOptions } from './types.js';

/** Defaults sized for model turns (see `RunWorkerOptions.stalls`). */
const defaultStalls = { lockDurationMs: 120_000, stalledIntervalMs: 30_000, maxStalledCount: 2 };
/** A second delivery of a run that another worker holds waits this long before trying again. */
const leaseRetryMs = 2_000;
/** How often a running run's cancel flag is read. */
const cancelPollMs = 500;
/** Events are written in batches at most this far apart. */
const eventFlushMs = 150;
/** A parent whose unfinished children are not BullMQ children of its job (recovered, paused) looks again this often. */
const childPollMs = 2_000;

let workersStarted = 0;

/** Why a worker stopped a run early: each is handled differently when the run call unwinds. */
type StopReason = 'cancelled' | 'shutdown' | 'lease-lost' | 'waiting-children';
class StopSignal extends Error {
  constructor(readonly reason: StopReason) {
    super(`run stopped: ${reason}`);
    this.name = 'AbortError';
  }
}

/**
 * Starts a worker: takes run jobs from the queue and executes them (at most `concurrency` at once),
 * each under a Postgres lease on its thread, checkpointing to Postgres and recording tool results in
 * the effect ledger. Checks both servers first.
 * @throws QueueConnectionError when Redis or Postgres is unreachable or too old.
 */
export async function startRunWorker(options: RunWorkerOptions): Promise<RunWorker> {
  const concurrency = options.concurrency ?? 1;
  const backends = await openBackends(options, concurrency + 4);
  // Leases hold a connection each for a whole run: their own pool, so they never starve queries.
  const leasePool = postgresPool(options.postgresUrl, concurrency + 1);
  const stalls = { ...defaultStalls, ...options.stalls };
  workersStarted += 1;
  const id = `${hostname()}:${process.pid}:${workersStarted}`;
  const log = options.log ?? (() => undefined);
  const producerRedis = redisClient(options.redisUrl, 'producer');
  producerRedis.on('error', () => undefined);
  const queue = new Queue<RunJobData>(backends.queueName, { connection: producerRedis });
  queue.on('error', () => undefined);

  const active = new Map<string, AbortController>();
  const context: WorkerContext = {
    id,
    backends,
    leasePool,
    options,
    log,
    active,
    queue,
    workdirRoot: options.workdirRoot ?? join(hearthHome(), 'queue', 'workdirs'),
  };
  const workerRedis = redisClient(options.redisUrl, 'worker');
  let lastRedisError = '';
  workerRedis.on('error', (error) => {
    if (error.message !== lastRedisError) log(`redis: ${error.message}`);
    lastRedisError = error.message;
  });
  const worker = new Worker<RunJobData>(
    backends.queueName,
    (job, token) => processRunJob(context, job, token),
    {
      connection: workerRedis,
      concurrency,
      lockDuration: stalls.lockDurationMs,
      stalledInterval: stalls.stalledIntervalMs,
      maxStalledCount: stalls.maxStalledCount,
      name: id,
    },
  );
  worker.on('error', (error) => log(`worker: ${error.message}`));
  worker.on('failed', (job, error) => log(`job ${job?.id ?? '?'} failed: ${error.message}`));

  // Runs whose job was lost (Redis without persistence restarted, `enqueue` could not add it) or
  // failed by BullMQ after repeated stalls go back on the queue, continuing from their checkpoints.
  const recoverEvery = options.recoverIntervalMs ?? stalls.stalledIntervalMs;
  const idleAfter = stalls.lockDurationMs + stalls.stalledIntervalMs;
  const sweep = () =>
    recoverLostRuns(backends, queue, idleAfter, log).catch((error: Error) =>
      log(`recovery: ${error.message}`),
    );
  const sweeping = { current: sweep() };
  const timer = setInterval(() => {
    sweeping.current = sweep();
  }, recoverEvery);
  timer.unref();

  let closing: Promise<void> | undefined;
  log(`worker ${id} started (concurrency ${concurrency}, queue ${backends.queueName})`);
  return {
    id,
    get activeRuns() {
      return active.size;
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        const deadlineMs = closeOptions.deadlineMs ?? 30_000;
        clearInterval(timer);
        // Graceful: take no new jobs, let the active runs finish until the deadline.
        const graceful = await settlesWithin(worker.close(), deadlineMs);
        if (!graceful) {
          log(`shutdown deadline passed with ${active.size} run(s) active: putting them back on the queue`);
          for (const controller of active.values()) controller.abort(new StopSignal('shutdown'));
          await settlesWithin(worker.close(true), 5_000);
        }
        await settlesWithin(sweeping.current, 2_000);
        await settlesWithin(queue.close(), 2_000);
        // `Worker.close()` can hang when Redis is gone (bullmq #4656): the deadlines above, then this.
        workerRedis.disconnect();
        producerRedis.disconnect();
        await settlesWithin(leasePool.end(), 2_000);
        await settlesWithin(backends.close(), 2_000);
        log(`worker ${id} stopped`);
      })();
      return closing;
    },
  };
}

interface WorkerContext {
  id: string;
  backends: Backends;
  leasePool: ReturnType<typeof postgresPool>;
  options: RunWorkerOptions;
  log: (line: string) => void;
  /** The abort controllers of the runs executing now, by run id. */
  active: Map<string, AbortController>;
  /** Adds jobs (re-enqueued runs, child runs of fan-out branches). */
  queue: Queue<RunJobData>;
  workdirRoot: string;
}

/** Whether a job still stands for work on its run (a newer generation, or a stopped run, supersedes it). */
function isCurrent(row: RunRow | undefined, job: Job<RunJobData>): row is RunRow {
  return (
    row !== undefined &&
    row.generation === job.data.generation &&
    row.status !== 'paused' &&
    !finishedStatuses.includes(row.status)
  );
}

async function processRunJob(context: WorkerContext, job: Job<RunJobData>, token: string | undefined) {
  const { store } = context.backends;
  const { runId, generation } = job.data;
  if (!isCurrent(await store.row(runId), job)) return { stale: true };
  const lease = await tryLease(context.leasePool, runId);
  if (!lease) {
    // Another worker holds the run (a re-delivery after its job lock lapsed while it still runs):
    // wait, never run its nodes a second time. When the holder finishes, this job finds it stopped.
    context.log(`run ${runId}: held by another worker, retrying in ${leaseRetryMs} ms`);
    await job.moveToDelayed(Date.now() + leaseRetryMs, token);
    throw new DelayedError();
  }
  try {
    const row = await store.update(
      runId,
      { status: ['queued', 'running'], generation },
      {
        status: 'running',
        worker: context.id,
        deliveries: new Sql('deliveries + 1'),
        started_at: new Sql('coalesce(started_at, now())'),
      },
    );
    if (!row) return { stale: true };
    if (row.cancel_requested) {
      await store.update(runId, {}, { status: 'cancelled', ended_at: new Sql('now()') });
      return { status: 'cancelled' };
    }
    return await executeRun(context, row, job, token, lease.lost);
  } finally {
    await lease.release();
  }
}

async function executeRun(
  context: WorkerContext,
  row: RunRow,
  job: Job<RunJobData>,
  token: string | undefined,
  leaseLost: AbortSignal,
) {
  const { store, saver, pool } = context.backends;
  const runId = row.run_id;
  const startedAt = new Date();
  const controller = new AbortController();
  context.active.set(runId, controller);
  const onLeaseLost = () => controller.abort(new StopSignal('lease-lost'));
  leaseLost.addEventListener('abort', onLeaseLost, { once: true });
  const cancelPoll = setInterval(() => {
    store.row(runId).then(
      (current) => {
        if (current?.cancel_requested) controller.abort(new StopSignal('cancelled'));
      },
      () => undefined,
    );
  }, cancelPollMs);
  const events = new EventWriter(context, runId, job);
  let target: AnyRunTarget | undefined;
  const children = context.options.fanOutChildren
    ? new ChildRuns(context.backends, context.queue, row, job, () =>
        controller.abort(new StopSignal('waiting-children')),
      )
    : undefined;
  let observer: RunObserver | undefined;
  // Once: a failure after the run call returned (writing its record) must not end its watch again.
  const endObserver = (outcome: Parameters<RunObserver['end']>[0]) => {
    observer?.end(outcome);
    observer = undefined;
  };
  try {
    target = await loadRunTarget(context, row);
    const workdir = row.workdir ?? join(context.workdirRoot, encodeURIComponent(runId));
    await mkdir(workdir, { recursive: true });
    await store.update(
      runId,
      {},
      { target_name: target.name, target_kind: target.kind, delivery_workdir: workdir },
    );
    const engine = await context.options.engineFor?.(row.model ?? undefined, target);
    const checkpoint = await saver.getTuple({ configurable: { thread_id: runId } });
    observer = context.options.observeRun?.({
      runId,
      target,
      ...(row.model ? { model: row.model } : {}),
      resumed: Boolean(checkpoint),
    });
    const ledger = new PostgresToolLedger(pool, runId);
    const runOptions = {
      ...(engine ? { engine: observer?.wrapEngine?.(engine) ?? engine } : {}),
      workdir,
      checkpointer: saver,
      threadId: runId,
      signal: controller.signal,
      toolLedger: ledger,
      ...(children ? { runChild: children.run } : {}),
      onEvent: (event: RunEvent) => {
        observer?.onEvent?.(event);
        events.add(event);
      },
    };
    let result: RunResult<unknown>;
    if (!checkpoint) {
      context.log(`run ${runId}: starting ${target.kind} ${target.name}`);
      const input = (await loadBlobs(pool, row.input)) as Record<string, unknown>;
      if (row.fan_in)
        input[row.fan_in.resultsKey] = await childResults(context.backends, row.fan_in.children);
      result = await target.run(input, runOptions);
    } else {
      const waiting = interruptedApprovals(checkpoint.pendingWrites ?? []);
      if (waiting.length > 0 && !row.decision) {
        // It paused, but the worker stopped before recording it: record it now.
        result = { threadId: runId, status: 'paused', pendingApprovals: waiting, steps: [], state: {} };
      } else {
        context.log(
          `run ${runId}: continuing ${target.name} from its checkpoint (delivery ${row.deliveries})`,
        );
        // The decision applies while the run still waits for it; a re-delivery after the approved
        // step finished continues without it.
        const decision = waiting.length > 0 ? (row.decision ?? undefined) : undefined;
        result = await target.resume(runId, decision, runOptions);
      }
    }
    await events.close();
    endObserver({ status: result.status, pendingApprovals: result.pendingApprovals.length });
    const summary = summarizeRun({ target, runId, startedAt, endedAt: new Date(), result });
    await store.update(
      runId,
      { generation: row.generation },
      {
        status: result.status,
        output: result.status === 'done' ? await storeBlobs(pool, result.output ?? null) : null,
        pending_approvals: result.pendingApprovals,
        summary: await storeBlobs(pool, summary),
        decision: null,
        error: null,
        ended_at: result.status === 'done' ? new Sql('now()') : null,
        progress: events.progress,
      },
    );
    if (ledger.reused > 0)
      context.log(`run ${runId}: ${ledger.reused} tool result(s) reused from the ledger`);
    context.log(`run ${runId}: ${result.status}`);
    return { status: result.status };
  } catch (error) {
    await events.close().catch(() => undefined);
    const stop = controller.signal.reason instanceof StopSignal ? controller.signal.reason.reason : undefined;
    endObserver({ status: stop === 'cancelled' ? 'cancelled' : 'failed', error });
    if (stop === 'lease-lost') {
      // Postgres dropped the lease: another worker may own the run now; write nothing more.
      context.log(`run ${runId}: lease lost (${(leaseLost.reason as Error)?.message}); stopping`);
      throw error;
    }
    if (stop === 'waiting-children') {
      // Its finished branches are checkpointed; the next delivery replays the rest, and each finds
      // its child run by its branch key (done: its output; failed: its error; else wait again).
      await store.update(
        runId,
        { generation: row.generation },
        { status: 'queued', progress: events.progress },
      );
      context.log(`run ${runId}: waiting for its child runs, holding no worker`);
      // Woken by BullMQ when its last child job ends; children it does not own (recovered, paused) are polled.
      if (await job.moveToWaitingChildren(token ?? '')) throw new WaitingChildrenError();
      await job.moveToDelayed(Date.now() + childPollMs, token);
      throw new DelayedError();
    }
    if (stop === 'shutdown') {
      await store.update(runId, { generation: row.generation }, { status: 'queued' }).catch(() => undefined);
      // Back to waiting without spending an attempt; if Redis is gone, the job lock lapses instead.
      await settlesWithin(job.moveToWait(token), 2_000);
      throw new WaitingError();
    }
    const call = {
      target: target ?? { name: row.target_name ?? row.target, kind: row.target_kind ?? 'workflow' },
      runId,
      startedAt,
      endedAt: new Date(),
      error,
      signal: controller.signal,
    };
    const summary = summarizeRun(call);
    if (stop === 'cancelled') {
      await store.update(
        runId,
        { generation: row.generation },
        {
          status: 'cancelled',
          error: summary.error,
          summary,
          ended_at: new Sql('now()'),
          progress: events.progress,
        },
      );
      context.log(`run ${runId}: cancelled`);
      return { status: 'cancelled' };
    }
    const willRetry = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    await store.update(
      runId,
      { generation: row.generation },
      {
        status: willRetry ? 'queued' : 'failed',
        error: summary.error,
        summary,
        ended_at: willRetry ? null : new Sql('now()'),
        progress: events.progress,
      },
    );
    context.log(
      `run ${runId}: failed (${summary.error?.message})${willRetry ? '; BullMQ will retry it' : ''}`,
    );
    throw error;
  } finally {
    children?.dispose();
    clearInterval(cancelPoll);
    leaseLost.removeEventListener('abort', onLeaseLost);
    context.active.delete(runId);
  }
}

/** A run's target: the enqueued one, or for a fan-out branch's child run, the target its node runs. */
async function loadRunTarget(context: WorkerContext, row: RunRow): Promise<AnyRunTarget> {
  const target = await context.options.loadTarget(row.target);
  if (!row.target_path) return target;
  const nested = target.nestedTarget(row.target_path);
  if (!nested)
    throw new QueueRunStateError(
      `child run "${row.run_id}": ${target.kind} "${target.name}" (${row.target}) has no agent or workflow at node ${row.target_path.join(' > ')} any more; was the module changed since its parent ${row.parent_run_id} started?`,
    );
  return nested;
}

/** The results of a fan-in run's children, in order, as its input receives them. */
async function childResults(backends: Backends, runIds: readonly string[]): Promise<ChildRunResult[]> {
  const results: ChildRunResult[] = [];
  for (const runId of runIds) {
    const row = await backends.store.row(runId);
    if (!row) {
      results.push({
        runId,
        status: 'failed',
        error: { name: 'Error', message: 'the child run record is gone' },
      });
      continue;
    }
    const child = await backends.store.toQueuedRun(row);
    results.push({
      runId,
      status: child.status,
      ...(child.status === 'done' ? { output: child.output } : {}),
      ...(child.error ? { error: child.error } : {}),
    });
  }
  return results;
}

/** Approval requests a checkpoint's pending interrupt writes hold (a run paused at that checkpoint). */
function interruptedApprovals(pendingWrites: readonly [string, string, unknown][]): ApprovalRequest[] {
  const requests: ApprovalRequest[] = [];
  for (const [, channel, value] of pendingWrites) {
    if (channel !== '__interrupt__' || !Array.isArray(value)) continue;
    for (const pending of value as {
      id?: string;
      value?: { kind?: string; source?: string; calls?: [] };
    }[]) {
      if (pending.id && pending.value?.kind === 'approval')
        requests.push({
          id: pending.id,
          source: pending.value.source ?? '',
          calls: pending.value.calls ?? [],
        });
    }
  }
  return requests;
}

/**
 * A run's events on their way to Postgres (where `follow` reads them) in small batches, and the job's
 * progress derived from them.
 */
class EventWriter {
  readonly progress: RunProgress = { stepsDone: 0, events: 0 };
  private buffer: RunEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: WorkerContext,
    private readonly runId: string,
    private readonly job: Job<RunJobData>,
  ) {}

  add(event: RunEvent): void {
    this.buffer.push(event);
    if (event.type === 'node-start') this.progress.node = event.node;
    if (event.type === 'node-end') this.progress.stepsDone += 1;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, eventFlushMs);
  }

  private flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      const { store } = this.context.backends;
      this.progress.events = await store.appendEvents(this.runId, batch);
      await store.update(this.runId, {}, { progress: this.progress });
      // Progress in Redis is for BullMQ's own dashboards; a slow or absent Redis must not stall the run.
      void settlesWithin(this.job.updateProgress({ ...this.progress }), 1_000);
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/**
 * Re-enqueues runs that should have a live job but do not: the job is missing (lost with Redis, or
 * never added) or BullMQ failed it after repeated stalls, or it completed without the run recording
 * a stop. Each run is recovered at most `attempts` times; several workers sweeping at once recover a
 * run once (the generation update is conditional).
 */
async function recoverLostRuns(
  backends: Backends,
  queue: Queue<RunJobData>,
  idleAfterMs: number,
  log: (line: string) => void,
): Promise<void> {
  const { store } = backends;
  for (const row of await store.idle(idleAfterMs)) {
    const job = await queue.getJob(jobIdOf(row.run_id, row.generation));
    const state = job ? await job.getState() : 'missing';
    if (['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state)) continue;
    if (row.recoveries >= row.attempts) {
      await store.update(
        row.run_id,
        { status: ['queued', 'running'], generation: row.generation },
        {
          status: 'failed',
          ended_at: new Sql('now()'),
          error: {
            name: 'RunLostError',
            message: `its job was ${state} ${row.recoveries + 1} times (workers killed or stalled); resume it to try again`,
          },
        },
      );
      continue;
    }
    const next = await store.nextGeneration(
      row.run_id,
      { status: ['queued', 'running'], generation: row.generation },
      { status: 'queued', recoveries: new Sql('recoveries + 1') },
    );
    if (!next) continue;
    log(`run ${row.run_id}: its job was ${state}; re-enqueued to continue from its checkpoint`);
    await addRunJob(queue, next);
  }
}
