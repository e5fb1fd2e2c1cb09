import type { ToolLedger, ToolResult } from '@hearth/core';
import type pg from 'pg';
import { loadBlobs, storeBlobs } from './blobs.js';

/**
 * The effect ledger in Postgres: each tool call's result under its key (thread, step, call). The
 * worker holds the run's lease while it runs, so no two processes write one run's keys at once. Media
 * in results goes to `hearth_blobs`.
 */
export class PostgresToolLedger implements ToolLedger {
  /** Calls answered from the ledger in this run call (for logs and tests). */
  reused = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly runId: string,
  ) {}

  async once(key: string, call: () => Promise<ToolResult>): Promise<ToolResult> {
    const { rows } = await this.pool.query<{ result: unknown }>(
      'select result from hearth_tool_ledger where key = $1',
      [key],
    );
    if (rows[0]) {
      this.reused += 1;
      return (await loadBlobs(this.pool, rows[0].result)) as ToolResult;
    }
    const result = await call();
    await this.pool.query(
      'insert into hearth_tool_ledger (key, run_id, result) values ($1, $2, $3) on conflict (key) do nothing',
      [key, this.runId, JSON.stringify(await storeBlobs(this.pool, result))],
    );
    return result;
  }
}
