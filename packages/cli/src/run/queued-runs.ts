import type { RunEvent } from '@hearth/core';
import type { QueuedRun, QueuedRunStatus, RunQueue } from '@hearth/queue';
import { RunNotCancellableError } from '../errors/run-not-cancellable-error.js';

/** A queued run as `hearth runs` shows it: the queue's record, under the same names as a local run. */
export interface QueueRunView {
  runId: string;
  /** The same id under the name LangGraph gives it. */
  thread: string;
  where: 'queue';
  target: string;
  /** The core's run statuses, plus `queued` (waiting for a worker). */
  status: QueuedRunStatus;
  model?: string;
  /** On the machine of `worker`. */
  workdir?: string;
  /** The worker that last ran it (`host:pid:n`). */
  worker?: string;
  /** Deliveries so far (a run continued after a worker died counts one more) of `attempts` allowed. */
  deliveries: number;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  error?: { code?: string; message: string };
  output?: unknown;
  pendingApprovals: QueuedRun['pendingApprovals'];
  summary?: QueuedRun['summary'];
}

export function queueRunView(run: QueuedRun): QueueRunView {
  return {
    runId: run.runId,
    thread: run.runId,
    where: 'queue',
    target: run.target,
    status: run.status,
    ...(run.model ? { model: run.model } : {}),
    ...(run.workdir ? { workdir: run.workdir } : {}),
    ...(run.worker ? { worker: run.worker } : {}),
    deliveries: run.deliveries,
    attempts: run.attempts,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    ...(run.error
      ? { error: { ...(run.error.code ? { code: run.error.code } : {}), message: run.error.message } }
      : {}),
    ...(run.status === 'done' ? { output: run.output ?? null } : {}),
    pendingApprovals: run.pendingApprovals,
    ...(run.summary ? { summary: run.summary } : {}),
  };
}

/** The run's events recorded so far, numbered (without waiting for more). */
export async function queuedRunEvents(
  queue: RunQueue,
  runId: string,
): Promise<(RunEvent & { seq: number })[]> {
  const events: (RunEvent & { seq: number })[] = [];
  // An aborted signal makes `follow` return once it has read what is there.
  const follow = queue.follow(runId, { signal: AbortSignal.abort() });
  for (let next = await follow.next(); !next.done; next = await follow.next()) events.push(next.value);
  return events;
}

/** How long `hearth runs cancel` waits for the worker running a run to stop it. */
const CANCEL_WAIT_MS = 60_000;
const CANCEL_POLL_MS = 200;

/**
 * Cancels a queued run: a queued or paused one at once, a running one through its worker (waited for,
 * so the status printed is the one that holds).
 * @throws RunNotCancellableError when the run has already ended, or its worker did not stop it in time.
 */
export async function cancelQueuedRun(queue: RunQueue, runId: string): Promise<QueueRunView> {
  const before = await queue.get(runId);
  if (before && ['done', 'failed', 'cancelled'].includes(before.status))
    throw new RunNotCancellableError(
      runId,
      `it is ${before.status}, not queued, running or paused; there is nothing to stop`,
    );
  let run = await queue.cancel(runId);
  const deadline = Date.now() + CANCEL_WAIT_MS;
  while (run.status === 'running') {
    if (Date.now() > deadline)
      throw new RunNotCancellableError(
        runId,
        `its worker (${run.worker ?? 'unknown'}) did not stop it within ${CANCEL_WAIT_MS / 1000} s; the request stays, and the run stops at its next step`,
      );
    await new Promise((resolve) => setTimeout(resolve, CANCEL_POLL_MS));
    run = (await queue.get(runId)) ?? run;
  }
  return queueRunView(run);
}
