import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunEvent, RunStatus, RunSummary } from '@hearth/core';
import { RunCancelledError } from '../errors/run-cancelled-error.js';
import { RunNotCancellableError } from '../errors/run-not-cancellable-error.js';
import {
  appendRunEvent,
  cancelRequestPath,
  clearCancelRequest,
  listRunRecords,
  type RunRecord,
  readRunEvents,
  readRunRecord,
  requestCancel,
  updateRunRecord,
  writeRunRecord,
} from './run-record.js';

/** How often a running `hearth run` looks for a cancel request (a file, so any process can make one). */
const CANCEL_POLL_MS = 200;

/**
 * Keeps a local run's record true while this process runs it: `running` with this process's id from
 * its first step, the events as they happen, the summary and final status at its end; and cancels
 * the run (`signal`) when `hearth runs cancel` asks.
 */
export class LocalRunTracker {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly watcher: NodeJS.Timeout;
  private begun = false;

  constructor(private readonly runId: string) {
    this.signal = this.controller.signal;
    this.watcher = setInterval(() => {
      if (this.begun && existsSync(cancelRequestPath(runId)))
        this.controller.abort(new RunCancelledError(runId));
    }, CANCEL_POLL_MS);
    // Watching must not keep a finished process alive.
    this.watcher.unref();
  }

  /**
   * Marks the run as running here. A new run passes its record (written now); a resumed one begins at
   * its first event, so a resume refused before it runs anything (wrong decision, finished run)
   * leaves the record as it was.
   */
  begin(record?: RunRecord): void {
    if (this.begun) return;
    this.begun = true;
    // A cancel request left from an earlier call is not meant for this one.
    clearCancelRequest(this.runId);
    const running = { status: 'running' as const, pid: process.pid, host: hostname() };
    const now = new Date().toISOString();
    if (record) writeRunRecord(this.runId, { ...record, ...running, createdAt: now, updatedAt: now });
    else updateRunRecord(this.runId, running);
  }

  onEvent(event: RunEvent): void {
    this.begin();
    // Tokens are for the live view; the log keeps what `hearth runs show` lists.
    if (event.type !== 'token') appendRunEvent(this.runId, { ...event, at: Date.now() });
  }

  /** The error a call ends with: a cancelled run's says it was cancelled and how to continue it. */
  failure(error: unknown): unknown {
    return this.signal.aborted && RunCancelledError.isInstance(this.signal.reason)
      ? this.signal.reason
      : error;
  }

  /** Records how the call ended (its summary), when it ran anything; stops watching for cancels. */
  end(summary: RunSummary): void {
    clearInterval(this.watcher);
    if (!this.begun && summary.status !== 'done' && summary.status !== 'paused') return;
    updateRunRecord(this.runId, { status: summary.status, summary, pid: undefined, host: undefined });
    clearCancelRequest(this.runId);
  }
}

/** A run event as logged: with the time it happened (milliseconds since 1970) when it is known. */
export type LoggedRunEvent = RunEvent & { at?: number };

/** A local run as `hearth runs` shows it. */
export interface LocalRunView {
  runId: string;
  /** The same id under the name LangGraph gives it. */
  thread: string;
  where: 'local';
  target: string;
  status: RunStatus;
  model?: string;
  workdir: string;
  createdAt?: string;
  updatedAt?: string;
  /** Why it failed, was cancelled, or is not running although its record says so. */
  error?: { code?: string; message: string };
  /** The last call's summary (output, pending approvals, steps). */
  summary?: RunSummary;
}

const processIsAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Whether the process recorded as running the run is gone (only knowable on the machine that ran it). */
const runnerIsGone = (record: RunRecord) =>
  record.pid !== undefined && record.host === hostname() && !processIsAlive(record.pid);

const interrupted = (runId: string) => ({
  code: 'RUN_INTERRUPTED',
  message: `the process running it stopped before the run ended (killed or crashed); its finished steps are checkpointed: continue with hearth run --resume ${runId}`,
});

/** A record as shown: a run whose process is gone is `failed` (interrupted), not `running`. */
export function localRunView(record: RunRecord & { runId: string }): LocalRunView {
  let status: RunStatus = record.status ?? 'failed';
  let error = record.summary?.error;
  if (!record.status)
    error = {
      name: 'Error',
      message: 'no status recorded (started by an older hearth); hearth run --resume continues it',
    };
  else if (status === 'running' && runnerIsGone(record)) {
    status = 'failed';
    error = { name: 'Error', ...interrupted(record.runId) };
  }
  return {
    runId: record.runId,
    thread: record.runId,
    where: 'local',
    target: record.target,
    status,
    ...(record.model ? { model: record.model } : {}),
    workdir: record.workdir,
    ...(record.createdAt ? { createdAt: record.createdAt } : {}),
    ...(record.updatedAt ? { updatedAt: record.updatedAt } : {}),
    ...(error ? { error: { ...(error.code ? { code: error.code } : {}), message: error.message } } : {}),
    ...(record.summary ? { summary: record.summary } : {}),
  };
}

/** Every run started on this machine (under this HEARTH_HOME), newest first. */
export function listLocalRuns(): LocalRunView[] {
  return listRunRecords().map((record) => localRunView({ ...record, runId: record.runId ?? '' }));
}

/** One local run with its logged events, or undefined when none has this id. */
export function showLocalRun(runId: string): (LocalRunView & { events: LoggedRunEvent[] }) | undefined {
  const record = readRunRecord(runId);
  if (!record) return undefined;
  return { ...localRunView({ ...record, runId }), events: readRunEvents<LoggedRunEvent>(runId) };
}

/** How long `hearth runs cancel` waits for the running process to stop the run. */
const CANCEL_WAIT_MS = 60_000;

/**
 * Cancels a local run: a running one through its process (which stops at once and records
 * `cancelled`); a paused or interrupted one by recording `cancelled`. Undefined when no local run
 * has this id.
 * @throws RunNotCancellableError when the run has already ended (done, failed, cancelled).
 */
export async function cancelLocalRun(runId: string): Promise<LocalRunView | undefined> {
  const record = readRunRecord(runId);
  if (!record) return undefined;
  const view = localRunView({ ...record, runId });
  const stoppedProcess = record.status === 'running' && view.status === 'failed';
  if (view.status === 'running') {
    requestCancel(runId);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const now = localRunView({ ...(readRunRecord(runId) ?? record), runId });
      if (now.status !== 'running') return now;
      if (Date.now() > deadline)
        throw new RunNotCancellableError(
          runId,
          `its process (pid ${record.pid}) did not stop it within ${CANCEL_WAIT_MS / 1000} s; the request stays, and the run stops at its next step`,
        );
      await new Promise((resolve) => setTimeout(resolve, CANCEL_POLL_MS));
    }
  }
  if (view.status !== 'paused' && !stoppedProcess)
    throw new RunNotCancellableError(
      runId,
      `it is ${view.status}, not running or paused; there is nothing to stop`,
    );
  const cancelled = updateRunRecord(runId, {
    status: 'cancelled',
    pid: undefined,
    host: undefined,
    ...(record.summary
      ? {
          summary: {
            ...record.summary,
            status: 'cancelled',
            pendingApprovals: [],
            error: { name: 'Cancelled', message: 'cancelled with hearth runs cancel' },
          },
        }
      : {}),
  });
  return localRunView({ ...(cancelled ?? record), runId });
}
