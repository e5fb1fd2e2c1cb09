import type { QueueConnection, RunQueue } from './types.js';

/**
 * Opens the client side of the queue (enqueue, list, show, cancel, resume, follow). Checks both
 * servers first and sets up the Postgres schema once (safe with many processes starting together).
 * @throws QueueConnectionError when Redis or Postgres is unreachable or too old.
 */
export async function openRunQueue(connection: QueueConnection): Promise<RunQueue> {
  throw new Error(`openRunQueue: not implemented yet (${connection.queueName ?? 'hearth-runs'})`);
}
