// @hearth/queue: distributed runs. BullMQ on Redis delivers jobs (at least once); Postgres holds what
// must last: LangGraph checkpoints, run records and events, the effect ledger and media by hash.
// See README.md for the guarantees and ARCHITECTURE.md (repository root) for where it sits.
export { QueueChildRunError } from './errors/queue-child-run-error.js';
export { QueueConnectionError } from './errors/queue-connection-error.js';
export { QueueRunNotFoundError } from './errors/queue-run-not-found-error.js';
export { QueueRunStateError } from './errors/queue-run-state-error.js';
export { openRunQueue } from './run-queue.js';
export { startRunWorker } from './run-worker.js';
export {
  type ChildRunResult,
  type EnqueueRunOptions,
  type FanOutOptions,
  type FollowRunOptions,
  type ListRunsOptions,
  type ObservedRun,
  type QueueConnection,
  type QueuedRun,
  type QueuedRunStatus,
  queuedRunStatuses,
  type RunObserver,
  type RunProgress,
  type RunQueue,
  type RunWorker,
  type RunWorkerOptions,
} from './types.js';
