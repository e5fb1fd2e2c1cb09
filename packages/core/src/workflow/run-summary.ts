import { HearthError, type RunFailure, type RunSummary } from '@hearth/engine';
import type { AnyRunTarget, RunResult } from './run-target.js';

/** One `run`/`resume` call of a target, as it ended: with a result (done or paused) or an error. */
export type RunCall<Output> = {
  target: Pick<AnyRunTarget, 'name' | 'kind'>;
  /** The run id (the thread id the call ran under). */
  runId: string;
  startedAt: Date;
  endedAt: Date;
} & (
  | { result: RunResult<Output> }
  | {
      error: unknown;
      /** The run's abort signal: an error after it fired is a cancellation, not a failure. */
      signal?: AbortSignal;
    }
);

/** Sums up a finished, paused, failed or cancelled run call as the contract's `RunSummary`. */
export function summarizeRun<Output>(call: RunCall<Output>): RunSummary<Output> {
  const common = {
    runId: call.runId,
    target: call.target.name,
    targetKind: call.target.kind,
    startedAt: call.startedAt.toISOString(),
    endedAt: call.endedAt.toISOString(),
    durationMs: call.endedAt.getTime() - call.startedAt.getTime(),
  };
  if ('result' in call) {
    const { result } = call;
    return {
      ...common,
      status: result.status,
      ...(result.status === 'done' ? { output: result.output as Output } : {}),
      pendingApprovals: result.pendingApprovals,
      steps: result.steps,
    };
  }
  return {
    ...common,
    status: call.signal?.aborted ? 'cancelled' : 'failed',
    error: failureOf(call.error),
    pendingApprovals: [],
    steps: [],
  };
}

function failureOf(error: unknown): RunFailure {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return {
    name: error.name,
    ...(HearthError.isInstance(error) ? { code: error.code } : {}),
    message: error.message,
  };
}
