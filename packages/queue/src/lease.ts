import type pg from 'pg';

/** A run's lease: a Postgres session-level advisory lock on its thread, held on a dedicated connection. */
export interface RunLease {
  /** Fires when the lease's connection is lost: Postgres released the lock, so the run must stop. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Takes the lease on a run's thread, or returns undefined when another session holds it. The lock
 * lives as long as the connection: a worker that is killed loses its connection, so Postgres frees
 * the lease at once, while BullMQ's job lock only expires after `lockDuration`.
 */
export async function tryLease(pool: pg.Pool, runId: string): Promise<RunLease | undefined> {
  const client = await pool.connect();
  const lost = new AbortController();
  const onError = (error: Error) => lost.abort(error);
  const onEnd = () => lost.abort(new Error('the lease connection to Postgres closed'));
  const forget = () => {
    client.off('error', onError);
    client.off('end', onEnd);
  };
  client.on('error', onError);
  client.on('end', onEnd);
  let held = false;
  try {
    const { rows } = await client.query<{ held: boolean }>(
      'select pg_try_advisory_lock(hashtextextended($1, 0)) as held',
      [`hearth-run:${runId}`],
    );
    held = rows[0]?.held === true;
  } catch (error) {
    forget();
    client.release(true);
    throw error;
  }
  if (!held) {
    forget();
    client.release();
    return undefined;
  }
  let released = false;
  return {
    lost: lost.signal,
    async release() {
      if (released) return;
      released = true;
      try {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`hearth-run:${runId}`]);
        forget();
        client.release();
      } catch {
        // The connection is gone, and the lock with it; do not return it to the pool.
        client.release(true);
      }
    },
  };
}
