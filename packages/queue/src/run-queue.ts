import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApprovalDecision, RunEvent } from '@hearth/core';
import { FlowProducer, Queue } from 'bullmq';
import { type Backends, jobIdOf, openBackends, type RunJobData, settlesWithin } from './backends.js';
import { redactUrl, redisClient } from './connections.js';
import { QueueConnectionError } from './errors/queue-connection-error.js';
import { QueueRunNotFoundError } from './errors/queue-run-not-found-error.js';
import { QueueRunStateError } from './errors/queue-run-state-error.js';
import { type FanIn, finishedStatuses, type RunRow, Sql } from './run-store.js';
import type {
  EnqueueRunOptions,
  FanOutOptions,
  FollowRunOptions,
  ListRunsOptions,
  QueueConnection,
  QueuedRun,
  RunQueue,
} from './types.js';

/** How often `follow` looks for new events. */
const followPollMs = 200;
const defaultAttempts = 3;

/** The BullMQ options of the job of a run's current generation (from the run's record). */
export function jobOptions(row: RunRow) {
  return {
    jobId: jobIdOf(row.run_id, row.generation),
    attempts: row.attempts,
    backoff: { type: 'exponential', delay: 1_000 },
    ...(row.priority !== null ? { priority: row.priority } : {}),
    // Postgres keeps the record; Redis keeps finished jobs only for a while, for BullMQ's own tools.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** Adds the job of a run's current generation. */
export async function addRunJob(queue: Queue<RunJobData>, row: RunRow): Promise<void> {
  await queue.add('run', { runId: row.run_id, generation: row.generation }, jobOptions(row));
}

/**
 * Opens the client side of the queue (enqueue, list, show, cancel, resume, follow). Checks both
 * servers first and sets up the Postgres schema once (safe with many processes starting together).
 * @throws QueueConnectionError when Redis or Postgres is unreachable or too old.
 */
export async function openRunQueue(connection: QueueConnection): Promise<RunQueue> {
  const backends = await openBackends(connection, 4);
  const redis = redisClient(connection.redisUrl, 'producer');
  redis.on('error', () => undefined);
  const queue = new Queue<RunJobData>(backends.queueName, { connection: redis });
  queue.on('error', () => undefined);
  return new PostgresRunQueue(backends, queue, connection.redisUrl);
}

class PostgresRunQueue implements RunQueue {
  /** Made on the first `fanOut`. */
  private flows: FlowProducer | undefined;

  constructor(
    private readonly backends: Backends,
    private readonly queue: Queue<RunJobData>,
    private readonly redisUrl: string,
  ) {}

  private get store() {
    return this.backends.store;
  }

  async enqueue(options: EnqueueRunOptions): Promise<QueuedRun> {
    const row = await this.record(options);
    await this.addJob(row);
    return this.store.toQueuedRun(row);
  }

  async fanOut(options: FanOutOptions): Promise<{ fanIn: QueuedRun; children: QueuedRun[] }> {
    const children = [];
    for (const child of options.children) children.push(await this.record(child));
    const fanIn = await this.record(options.fanIn, {
      children: children.map((child) => child.run_id),
      resultsKey: options.fanIn.resultsKey ?? 'results',
    });
    const node = (row: RunRow) => ({
      name: 'run',
      queueName: this.backends.queueName,
      data: { runId: row.run_id, generation: row.generation },
    });
    try {
      this.flows ??= new FlowProducer({ connection: this.queue.opts.connection });
      this.flows.on('error', () => undefined);
      await this.flows.add({
        ...node(fanIn),
        opts: jobOptions(fanIn),
        // A child that fails for good still lets the fan-in run (it receives the failure).
        children: children.map((child) => ({
          ...node(child),
          opts: { ...jobOptions(child), ignoreDependencyOnFailure: true },
        })),
      });
    } catch (error) {
      throw this.unreachableRedis(fanIn, error);
    }
    return {
      fanIn: await this.store.toQueuedRun(fanIn),
      children: await Promise.all(children.map((child) => this.store.toQueuedRun(child))),
    };
  }

  /** Records a new run in Postgres (status queued), its attachments stored by hash. */
  private async record(options: EnqueueRunOptions, fanIn?: FanIn): Promise<RunRow> {
    const runId = options.runId ?? randomUUID();
    const input: Record<string, unknown> = { ...(options.input ?? {}) };
    if (options.attachments && options.attachments.length > 0) {
      const given = Array.isArray(input.attachments) ? input.attachments : [];
      input.attachments = [...given, ...options.attachments];
    }
    const row = await this.store.insert({
      runId,
      target: options.target,
      input,
      ...(options.model ? { model: options.model } : {}),
      ...(options.workdir ? { workdir: options.workdir } : {}),
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      attempts: options.attempts ?? defaultAttempts,
      ...(fanIn ? { fanIn } : {}),
    });
    if (!row) {
      const existing = await this.store.row(runId);
      throw new QueueRunStateError(
        `run id "${runId}" is taken (a run with status ${existing?.status ?? 'unknown'}); a run id is its thread id, so pick a new one, or continue that run with resume`,
      );
    }
    return row;
  }

  async get(runId: string): Promise<QueuedRun | undefined> {
    const row = await this.store.row(runId);
    return row ? this.store.toQueuedRun(row) : undefined;
  }

  async list(options: ListRunsOptions = {}): Promise<QueuedRun[]> {
    const rows = await this.store.list(options.status, options.limit ?? 100);
    return Promise.all(rows.map((row) => this.store.toQueuedRun(row)));
  }

  async cancel(runId: string): Promise<QueuedRun> {
    const row = await this.requireRow(runId);
    if (finishedStatuses.includes(row.status)) return this.store.toQueuedRun(row);
    // Queued or paused: nothing is executing it, so it is cancelled here. A worker that picks the job
    // up meanwhile sees the status and leaves it.
    const stopped = await this.store.update(
      runId,
      { status: ['queued', 'paused'] },
      {
        status: 'cancelled',
        cancel_requested: true,
        pending_approvals: [],
        ended_at: new Sql('now()'),
        error: { name: 'AbortError', message: 'cancelled before a worker ran it further' },
      },
    );
    if (stopped) {
      await settlesWithin(
        this.queue.remove(jobIdOf(runId, stopped.generation)).catch(() => 0),
        2_000,
      );
      return this.store.toQueuedRun(stopped);
    }
    // Running: its worker polls the flag and aborts the run (its checkpoints stay).
    const flagged = await this.store.update(runId, { status: ['running'] }, { cancel_requested: true });
    return this.store.toQueuedRun(flagged ?? (await this.requireRow(runId)));
  }

  async resume(runId: string, decision?: ApprovalDecision): Promise<QueuedRun> {
    const row = await this.requireRow(runId);
    if (row.status === 'paused' && !decision)
      throw new QueueRunStateError(
        `run "${runId}" is paused waiting for approval of ${row.pending_approvals.flatMap((request) => request.calls.map((call) => call.tool)).join(', ')}: give a decision (--approve or --deny)`,
      );
    if (row.status !== 'paused' && decision)
      throw new QueueRunStateError(
        `run "${runId}" is ${row.status}, not waiting for approval; resume it without a decision`,
      );
    if (!['paused', 'failed', 'cancelled'].includes(row.status))
      throw new QueueRunStateError(
        `run "${runId}" is ${row.status}; only a paused, failed or cancelled run can be resumed`,
      );
    const next = await this.store.nextGeneration(
      runId,
      { status: [row.status], generation: row.generation },
      {
        status: 'queued',
        decision: decision ?? null,
        cancel_requested: false,
        error: null,
        pending_approvals: [],
        ended_at: null,
        recoveries: 0,
      },
    );
    if (!next)
      throw new QueueRunStateError(
        `run "${runId}" changed while resuming it (another client?); look at it again`,
      );
    await this.addJob(next);
    return this.store.toQueuedRun(next);
  }

  async *follow(
    runId: string,
    options: FollowRunOptions = {},
  ): AsyncGenerator<RunEvent & { seq: number }, QueuedRun> {
    let after = options.afterSeq ?? 0;
    for (;;) {
      // Status first, then events: a worker writes a call's events before its final status, so a
      // stopped status read here means every event of that call is visible below.
      const row = await this.requireRow(runId);
      const stopped = row.status === 'paused' || finishedStatuses.includes(row.status);
      let events = await this.store.eventsAfter(runId, after);
      while (events.length > 0) {
        for (const event of events) {
          after = event.seq;
          yield event;
        }
        events = await this.store.eventsAfter(runId, after);
      }
      if (stopped || options.signal?.aborted) return this.store.toQueuedRun(row);
      await sleep(followPollMs, undefined, options.signal ? { signal: options.signal } : {}).catch(
        () => undefined,
      );
    }
  }

  async close(): Promise<void> {
    if (this.flows) await settlesWithin(this.flows.close(), 2_000);
    await settlesWithin(this.queue.close(), 2_000);
    this.queue.disconnect().catch(() => undefined);
    await settlesWithin(this.backends.close(), 2_000);
  }

  private async requireRow(runId: string): Promise<RunRow> {
    const row = await this.store.row(runId);
    if (!row) throw new QueueRunNotFoundError(runId);
    return row;
  }

  private async addJob(row: RunRow): Promise<void> {
    try {
      await addRunJob(this.queue, row);
    } catch (error) {
      throw this.unreachableRedis(row, error);
    }
  }

  private unreachableRedis(row: RunRow, error: unknown): QueueConnectionError {
    return new QueueConnectionError(
      'QUEUE_REDIS_UNREACHABLE',
      `run "${row.run_id}" is recorded in Postgres but its job could not be added to Redis at ${redactUrl(this.redisUrl)} ` +
        `(${(error as Error).message}); a worker's recovery sweep adds it once Redis answers again`,
      { cause: error },
    );
  }
}
