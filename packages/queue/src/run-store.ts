// Run records and events in Postgres: the one place a run's status lives, written by workers and by
// clients (`cancel`, `resume`) with conditional updates so concurrent writers cannot undo each other.
import type { ApprovalDecision, RunEvent, RunSummary } from '@hearth/core';
import type pg from 'pg';
import { loadBlobs, storeBlobs } from './blobs.js';
import type { QueuedRun, QueuedRunStatus, RunProgress } from './types.js';

/** A row of `hearth_runs` as pg returns it. */
export interface RunRow {
  run_id: string;
  target: string;
  target_name: string | null;
  target_kind: QueuedRun['targetKind'] | null;
  status: QueuedRunStatus;
  input: Record<string, unknown>;
  model: string | null;
  workdir: string | null;
  delivery_workdir: string | null;
  fan_in: FanIn | null;
  parent_run_id: string | null;
  target_path: string[] | null;
  priority: number | null;
  attempts: number;
  generation: number;
  deliveries: number;
  recoveries: number;
  worker: string | null;
  decision: ApprovalDecision | null;
  cancel_requested: boolean;
  output: unknown;
  error: QueuedRun['error'] | null;
  pending_approvals: QueuedRun['pendingApprovals'];
  progress: RunProgress | null;
  summary: RunSummary | null;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  updated_at: Date;
}

/** What a fan-in run waits for: its child runs, and the input key their results go under. */
export interface FanIn {
  children: string[];
  resultsKey: string;
}

/** The statuses a run can leave only through `resume`. */
export const finishedStatuses: readonly QueuedRunStatus[] = ['done', 'failed', 'cancelled'];

/** The runs of one queue (a run's id is unique across queues: it is its checkpoint thread). */
export class RunStore {
  constructor(
    readonly pool: pg.Pool,
    private readonly queueName: string,
  ) {}

  async insert(run: {
    runId: string;
    target: string;
    input: Record<string, unknown>;
    model?: string;
    workdir?: string;
    priority?: number;
    attempts: number;
    fanIn?: FanIn;
    /** A child run of a fan-out branch: its parent run and the node path to its target there. */
    child?: { parentRunId: string; targetPath: string[] };
  }): Promise<RunRow | undefined> {
    const input = await storeBlobs(this.pool, run.input);
    const { rows } = await this.pool.query<RunRow>(
      `insert into hearth_runs (run_id, target, status, input, model, workdir, priority, attempts, fan_in, queue_name, parent_run_id, target_path)
       values ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (run_id) do nothing returning *`,
      [
        run.runId,
        run.target,
        JSON.stringify(input),
        run.model ?? null,
        run.workdir ?? null,
        run.priority ?? null,
        run.attempts,
        run.fanIn ? JSON.stringify(run.fanIn) : null,
        this.queueName,
        run.child?.parentRunId ?? null,
        run.child ? JSON.stringify(run.child.targetPath) : null,
      ],
    );
    return rows[0];
  }

  async row(runId: string): Promise<RunRow | undefined> {
    const { rows } = await this.pool.query<RunRow>('select * from hearth_runs where run_id = $1', [runId]);
    return rows[0];
  }

  async list(status: readonly QueuedRunStatus[] | undefined, limit: number): Promise<RunRow[]> {
    const { rows } = status
      ? await this.pool.query<RunRow>(
          'select * from hearth_runs where queue_name = $1 and status = any($2) order by created_at desc, run_id limit $3',
          [this.queueName, status, limit],
        )
      : await this.pool.query<RunRow>(
          'select * from hearth_runs where queue_name = $1 order by created_at desc, run_id limit $2',
          [this.queueName, limit],
        );
    return rows;
  }

  /** Runs that should have a live job (queued or running) and have not changed for `idleMs`. */
  async idle(idleMs: number): Promise<RunRow[]> {
    const { rows } = await this.pool.query<RunRow>(
      `select * from hearth_runs where queue_name = $1 and status in ('queued', 'running')
       and updated_at < now() - make_interval(secs => $2::double precision / 1000)`,
      [this.queueName, idleMs],
    );
    return rows;
  }

  /** One conditional update: `set` applies only when the row matches `where`; returns the new row. */
  async update(
    runId: string,
    where: { status?: readonly QueuedRunStatus[]; generation?: number },
    set: Record<string, unknown>,
  ): Promise<RunRow | undefined> {
    const values: unknown[] = [runId];
    const assignments = Object.entries(set).map(([column, value]) => {
      if (value instanceof Sql) return `${column} = ${value.text}`;
      values.push(encodeColumn(value));
      return `${column} = $${values.length}`;
    });
    const conditions = ['run_id = $1'];
    if (where.status) {
      values.push(where.status);
      conditions.push(`status = any($${values.length})`);
    }
    if (where.generation !== undefined) {
      values.push(where.generation);
      conditions.push(`generation = $${values.length}`);
    }
    const { rows } = await this.pool.query<RunRow>(
      `update hearth_runs set ${[...assignments, 'updated_at = now()'].join(', ')} where ${conditions.join(' and ')} returning *`,
      values,
    );
    return rows[0];
  }

  /** Bumps the generation (a new job will carry it, and older jobs of the run become stale). */
  async nextGeneration(
    runId: string,
    where: { status: readonly QueuedRunStatus[]; generation?: number },
    set: Record<string, unknown>,
  ): Promise<RunRow | undefined> {
    return this.update(runId, where, { ...set, generation: new Sql('generation + 1') });
  }

  async appendEvents(runId: string, events: readonly RunEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const encoded = await Promise.all(events.map((event) => storeBlobs(this.pool, event)));
    const { rows } = await this.pool.query<{ seq: string }>(
      'insert into hearth_run_events (run_id, event) select $1, unnest($2::jsonb[]) returning seq',
      [runId, encoded.map((event) => JSON.stringify(event))],
    );
    return Number(rows.at(-1)?.seq ?? 0);
  }

  async eventsAfter(runId: string, afterSeq: number, limit = 500): Promise<(RunEvent & { seq: number })[]> {
    const { rows } = await this.pool.query<{ seq: string; event: RunEvent }>(
      'select seq, event from hearth_run_events where run_id = $1 and seq > $2 order by seq limit $3',
      [runId, afterSeq, limit],
    );
    return Promise.all(
      rows.map(async (row) => ({
        ...((await loadBlobs(this.pool, row.event)) as RunEvent),
        seq: Number(row.seq),
      })),
    );
  }

  /** The row as the API shows it (media in the output read back from the blobs). */
  async toQueuedRun(row: RunRow): Promise<QueuedRun> {
    return {
      runId: row.run_id,
      target: row.target,
      ...(row.target_name ? { targetName: row.target_name } : {}),
      ...(row.target_kind ? { targetKind: row.target_kind } : {}),
      status: row.status,
      ...(row.model ? { model: row.model } : {}),
      ...((row.delivery_workdir ?? row.workdir)
        ? { workdir: (row.delivery_workdir ?? row.workdir) as string }
        : {}),
      ...(row.priority !== null ? { priority: row.priority } : {}),
      attempts: row.attempts,
      deliveries: row.deliveries,
      ...(row.worker ? { worker: row.worker } : {}),
      createdAt: row.created_at.toISOString(),
      ...(row.started_at ? { startedAt: row.started_at.toISOString() } : {}),
      ...(row.ended_at ? { endedAt: row.ended_at.toISOString() } : {}),
      updatedAt: row.updated_at.toISOString(),
      ...(row.status === 'done' ? { output: await loadBlobs(this.pool, row.output) } : {}),
      ...(row.error ? { error: row.error } : {}),
      pendingApprovals: row.pending_approvals,
      ...(row.fan_in ? { children: row.fan_in.children } : {}),
      ...(row.parent_run_id ? { parentRunId: row.parent_run_id } : {}),
      ...(row.target_path ? { targetPath: row.target_path } : {}),
      ...(row.progress ? { progress: row.progress } : {}),
      ...(row.summary ? { summary: (await loadBlobs(this.pool, row.summary)) as RunSummary } : {}),
    };
  }
}

/** A fixed SQL expression as a column's new value (`now()`, `deliveries + 1`); never built from input. */
export class Sql {
  constructor(readonly text: string) {}
}

/** A column value for pg: objects (the JSON columns) as JSON text. */
function encodeColumn(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value !== 'object') return value;
  return JSON.stringify(value);
}
