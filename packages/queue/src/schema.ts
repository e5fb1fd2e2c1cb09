// The queue's tables and their migrations. Many workers may start at once: one Postgres advisory lock
// serialises set-up, each migration runs once in its own transaction, and the version table records it.
import type { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type pg from 'pg';

/** The advisory lock key of schema set-up (any constant unlikely to clash with an application's). */
const migrationLockKey = 0x6865_6172_7468; // "hearth"

/** Ordered migrations; append only, never edit one that has shipped. */
const migrations: readonly string[] = [
  `create table hearth_runs (
     run_id text primary key,
     target text not null,
     target_name text,
     target_kind text,
     status text not null,
     input jsonb not null,
     model text,
     workdir text,
     priority integer,
     attempts integer not null,
     generation integer not null default 1,
     deliveries integer not null default 0,
     recoveries integer not null default 0,
     worker text,
     decision jsonb,
     cancel_requested boolean not null default false,
     output jsonb,
     error jsonb,
     pending_approvals jsonb not null default '[]',
     progress jsonb,
     summary jsonb,
     created_at timestamptz not null default now(),
     started_at timestamptz,
     ended_at timestamptz,
     updated_at timestamptz not null default now()
   );
   create index hearth_runs_created on hearth_runs (created_at desc);
   create index hearth_runs_status on hearth_runs (status);
   create table hearth_run_events (
     seq bigserial primary key,
     run_id text not null references hearth_runs (run_id) on delete cascade,
     event jsonb not null
   );
   create index hearth_run_events_run on hearth_run_events (run_id, seq);
   create table hearth_tool_ledger (
     key text primary key,
     run_id text not null,
     result jsonb not null,
     created_at timestamptz not null default now()
   );
   create index hearth_tool_ledger_run on hearth_tool_ledger (run_id);
   create table hearth_blobs (
     sha256 text primary key,
     bytes bytea not null,
     created_at timestamptz not null default now()
   );`,
  // The workdir a delivery used, apart from the one asked for at enqueue (which every delivery uses).
  'alter table hearth_runs add column delivery_workdir text',
  // A fan-in run: the child runs whose results it receives, and the input key they go under.
  'alter table hearth_runs add column fan_in jsonb',
  // Several queues may share one Postgres: each run belongs to the queue it was enqueued on.
  `alter table hearth_runs add column queue_name text not null default 'hearth-runs';
   create index hearth_runs_queue on hearth_runs (queue_name, created_at desc);`,
  // A fan-out branch run as a child run: its parent, and the node path to its target inside the parent's.
  `alter table hearth_runs add column parent_run_id text;
   alter table hearth_runs add column target_path jsonb;`,
];

/**
 * Brings the schema up to date (the queue's tables and the LangGraph checkpointer's), once, under an
 * advisory lock: concurrent callers wait for the first and then find nothing to do.
 */
export async function migrate(pool: pg.Pool, saver: PostgresSaver): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    await client.query(
      'create table if not exists hearth_queue_migrations (version integer primary key, applied_at timestamptz not null default now())',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'select max(version) as version from hearth_queue_migrations',
    );
    const applied = rows[0]?.version ?? 0;
    for (let index = applied; index < migrations.length; index += 1) {
      await client.query('begin');
      try {
        await client.query(migrations[index] as string);
        await client.query('insert into hearth_queue_migrations (version) values ($1)', [index + 1]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    }
    await saver.setup();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    client.release();
  }
}
