import type { QueueConnection, RunQueue } from '@hearth/queue';
import { UsageError } from '../errors/usage-error.js';

/** The flags that name a queue (on `hearth run --queue`, `hearth runs`, `hearth worker`). */
export interface QueueFlags {
  redisUrl?: string;
  postgresUrl?: string;
}

/**
 * The queue the flags or the environment (`HEARTH_REDIS_URL`, `HEARTH_POSTGRES_URL`, and
 * `HEARTH_QUEUE_NAME` for one of several queues on one Redis) name, flags first; undefined when
 * neither names one.
 * @throws UsageError when only one of the two URLs is given.
 */
export function queueConnectionFrom(flags: QueueFlags): QueueConnection | undefined {
  const redisUrl = flags.redisUrl ?? process.env.HEARTH_REDIS_URL;
  const postgresUrl = flags.postgresUrl ?? process.env.HEARTH_POSTGRES_URL;
  if (!redisUrl && !postgresUrl) return undefined;
  if (!redisUrl || !postgresUrl)
    throw new UsageError(
      `the queue needs both a Redis and a Postgres URL, and only ${redisUrl ? 'Redis' : 'Postgres'}'s is given: set ${redisUrl ? 'HEARTH_POSTGRES_URL (or --postgres-url)' : 'HEARTH_REDIS_URL (or --redis-url)'} too`,
    );
  const queueName = process.env.HEARTH_QUEUE_NAME;
  return { redisUrl, postgresUrl, ...(queueName ? { queueName } : {}) };
}

/**
 * Opens the client side of the queue the flags or environment name, or undefined when none is named.
 * The queue library (BullMQ, pg) loads only here, so local-only commands do not pay for it.
 * @throws QueueConnectionError when Redis or Postgres is unreachable or too old.
 */
export async function openQueueFrom(flags: QueueFlags): Promise<RunQueue | undefined> {
  const connection = queueConnectionFrom(flags);
  if (!connection) return undefined;
  const { openRunQueue } = await import('@hearth/queue');
  return openRunQueue(connection);
}

/** The options that name a queue, for a command's `--help`. */
export const queueOptionHelp = {
  redisUrl: 'Redis of the run queue (default: $HEARTH_REDIS_URL)',
  postgresUrl: 'Postgres of the run queue (default: $HEARTH_POSTGRES_URL)',
} as const;
