// What both sides of the queue open: checked servers, a Postgres pool, the checkpointer, the schema.
import { compactBytes } from '@hearth/core';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type pg from 'pg';
import { checkPostgres, checkRedis, postgresPool } from './connections.js';
import { RunStore } from './run-store.js';
import { migrate } from './schema.js';
import type { QueueConnection } from './types.js';

export const defaultQueueName = 'hearth-runs';

export interface Backends {
  queueName: string;
  pool: pg.Pool;
  store: RunStore;
  /** LangGraph checkpoints in Postgres (media as base64, like the local SQLite store). */
  saver: PostgresSaver;
  close(): Promise<void>;
}

/**
 * Checks Redis and Postgres (reachable, new enough), opens a pool of `poolSize` connections and sets
 * up the schema (once, under an advisory lock).
 * @throws QueueConnectionError
 */
export async function openBackends(connection: QueueConnection, poolSize: number): Promise<Backends> {
  await checkRedis(connection.redisUrl);
  const pool = postgresPool(connection.postgresUrl, poolSize);
  try {
    await checkPostgres(pool, connection.postgresUrl);
    const saver = compactBytes(new PostgresSaver(pool));
    await migrate(pool, saver);
    return {
      queueName: connection.queueName ?? defaultQueueName,
      pool,
      store: new RunStore(pool, connection.queueName ?? defaultQueueName),
      saver,
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/**
 * A run's job id for one generation. BullMQ refuses `:` in custom ids, so the run id is URI-encoded;
 * the generation makes each continuation (approval, recovery, resume) a new job.
 */
export function jobIdOf(runId: string, generation: number): string {
  return `${encodeURIComponent(runId)}.${generation}`;
}

/** What a run's job carries: everything else is read from Postgres. */
export interface RunJobData {
  runId: string;
  generation: number;
}

/** Waits for `work` at most `ms`; true when it settled in time. Never rejects. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
