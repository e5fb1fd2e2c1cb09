import type { RunWorker, RunWorkerOptions } from './types.js';

/**
 * Starts a worker: takes run jobs from the queue and executes them (at most `concurrency` at once),
 * each under a Postgres lease on its thread, checkpointing to Postgres and recording tool results in
 * the effect ledger. Checks both servers first.
 * @throws QueueConnectionError when Redis or Postgres is unreachable or too old.
 */
export async function startRunWorker(options: RunWorkerOptions): Promise<RunWorker> {
  throw new Error(`startRunWorker: not implemented yet (${options.queueName ?? 'hearth-runs'})`);
}
