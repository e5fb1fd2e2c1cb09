import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { CheckpointDamagedError } from './errors/checkpoint-damaged-error.js';
import { CheckpointStoreError } from './errors/checkpoint-store-error.js';

/** The calls made on a database here and by LangGraph's saver: better-sqlite3's, or an adapter over `node:sqlite`. */
export interface SqlDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}
interface SqlStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** The subset of Node's built-in `node:sqlite` (Node >= 22.5) used here; @types/node 20 does not declare it. */
interface BuiltinSqlite {
  DatabaseSync: new (
    path: string,
  ) => {
    exec(sql: string): void;
    prepare(sql: string): SqlStatement;
    close(): void;
  };
}

/**
 * Opens an SQLite file through better-sqlite3 (what LangGraph's saver is written for). If its native
 * addon does not load in this Node.js (it was built for another Node version), the same calls run on
 * Node's built-in `node:sqlite`, plus `pragma` and `transaction` written here.
 */
function openDatabase(path: string): SqlDatabase {
  try {
    // The saver's own constructor opens better-sqlite3; core takes the connection from it rather than
    // depend on the driver a second time.
    return SqliteSaver.fromConnString(path).db as unknown as SqlDatabase;
  } catch (error) {
    const builtin = process.getBuiltinModule?.('node:sqlite') as BuiltinSqlite | undefined;
    if (!builtin) {
      throw new CheckpointStoreError(
        `cannot open the checkpoint store ${path}: ${(error as Error).message}. If better-sqlite3 was built for another Node.js, run \`npm rebuild better-sqlite3\` with this one (${process.version}).`,
      );
    }
    const db = new builtin.DatabaseSync(path);
    // better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it.
    const bind = (params: unknown[]) => params.map((param) => (param === undefined ? null : param));
    return {
      prepare: (sql: string) => {
        const statement = db.prepare(sql);
        return {
          run: (...params: unknown[]) => statement.run(...bind(params)),
          get: (...params: unknown[]) => statement.get(...bind(params)),
          all: (...params: unknown[]) => statement.all(...bind(params)),
        };
      },
      exec: (sql: string) => db.exec(sql),
      close: () => db.close(),
      pragma: (statement: string) => db.exec(`PRAGMA ${statement}`),
      transaction:
        <Args extends unknown[]>(body: (...args: Args) => void) =>
        (...args: Args) => {
          db.exec('BEGIN');
          try {
            body(...args);
            db.exec('COMMIT');
          } catch (failure) {
            db.exec('ROLLBACK');
            throw failure;
          }
        },
    } as SqlDatabase;
  }
}

/** LangGraph's SQLite saver, with its tables created when opened (not at the first write). */
class HearthSqliteSaver extends SqliteSaver {
  createTables(): void {
    this.setup();
  }
}

/** What SQLite's quick check finds wrong with an open database, or undefined when it finds nothing. */
function integrityProblem(db: SqlDatabase): string | undefined {
  try {
    const rows = db.prepare('PRAGMA quick_check(5)').all() as Record<string, string>[];
    const findings = rows.map((row) => Object.values(row)[0]).filter((finding) => finding !== 'ok');
    return findings.length ? `SQLite's quick check found ${findings.join('; ')}` : undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const isEmptyFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.size === 0;
const EMPTY_FILE_PROBLEM =
  'the file is empty (0 bytes), but Hearth writes its tables the moment it creates the store, so it was truncated or replaced and the runs it held are not in it (look for a backup)';

/**
 * Opens the SQLite checkpoint store a run writes to, after checking it: an empty file or one SQLite's
 * quick check finds damaged is refused (`CheckpointDamagedError`) before anything is written to it.
 * The store checkpoints its write-ahead log after every commit (`wal_autocheckpoint=1`), so a
 * finished step is in the main file, not only in `-wal`: losing or deleting the `-wal` file (a copy of
 * the main file alone, a cleanup script) loses nothing that was committed.
 *
 * @throws CheckpointDamagedError naming the file, the problem and `hearth runs doctor --repair`.
 * @throws CheckpointStoreError when the directory cannot be created or no SQLite driver loads.
 */
export function openSqliteSaver(path: string): SqliteSaver {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new CheckpointStoreError(
      `cannot create the checkpoint directory for ${path}: ${(error as Error).message}`,
    );
  }
  if (isEmptyFile(path)) throw new CheckpointDamagedError(path, EMPTY_FILE_PROBLEM);
  const db = openDatabase(path);
  try {
    const problem = integrityProblem(db);
    if (problem) throw new CheckpointDamagedError(path, problem);
    const saver = new HearthSqliteSaver(db as unknown as ConstructorParameters<typeof SqliteSaver>[0]);
    saver.createTables();
    db.exec('PRAGMA wal_autocheckpoint=1');
    return saver;
  } catch (error) {
    db.close();
    if (CheckpointDamagedError.isInstance(error)) throw error;
    throw new CheckpointDamagedError(path, (error as Error).message, { cause: error });
  }
}

/** One thread (one run) as the store holds it. */
export interface CheckpointThread {
  threadId: string;
  /** Checkpoints readable for it (one per step). */
  checkpoints: number;
  /** The newest readable checkpoint's id (LangGraph's ids sort by time). */
  lastCheckpointId: string;
}

/** What `hearth runs doctor` reports about a checkpoint store. */
export interface CheckpointStoreReport {
  path: string;
  exists: boolean;
  bytes: number;
  /** The write-ahead log beside it (`<path>-wal`): commits not yet copied into the main file. */
  walBytes: number;
  healthy: boolean;
  /** What is wrong when not healthy. */
  problem?: string;
  /** Rows that could be read (all of them when healthy). */
  readable: { checkpoints: number; writes: number };
  threads: CheckpointThread[];
}

const CHECKPOINT_COLUMNS = [
  'thread_id',
  'checkpoint_ns',
  'checkpoint_id',
  'parent_checkpoint_id',
  'type',
  'checkpoint',
  'metadata',
];
const WRITE_COLUMNS = [
  'thread_id',
  'checkpoint_ns',
  'checkpoint_id',
  'task_id',
  'idx',
  'channel',
  'type',
  'value',
];
/** Consecutive unreadable row ids after which a damaged table is taken to end. */
const MAX_UNREADABLE_RUN = 4096;

/**
 * Every row of a table that can still be read, in row-id order: reads in batches, and where a batch
 * hits a damaged page, steps over it one row id at a time, so rows on intact pages after it are found.
 */
function readableRows(db: SqlDatabase, table: string, columns: string[]): Record<string, unknown>[] {
  const list = columns.join(', ');
  let batch: SqlStatement;
  let single: SqlStatement;
  try {
    batch = db.prepare(
      `SELECT rowid AS _rowid, ${list} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT 256`,
    );
    single = db.prepare(`SELECT rowid AS _rowid, ${list} FROM ${table} WHERE rowid = ?`);
  } catch {
    return []; // the schema itself is unreadable (or the table was never created)
  }
  const rows: Record<string, unknown>[] = [];
  let after = 0;
  let unreadable = 0;
  while (unreadable < MAX_UNREADABLE_RUN) {
    let found: Record<string, unknown>[];
    try {
      found = batch.all(after) as Record<string, unknown>[];
    } catch {
      after++;
      try {
        const row = single.get(after) as Record<string, unknown> | undefined;
        if (row) {
          rows.push(row);
          unreadable = 0;
        } else unreadable++;
      } catch {
        unreadable++;
      }
      continue;
    }
    if (found.length === 0) break;
    rows.push(...found);
    after = Number(found.at(-1)?._rowid);
    unreadable = 0;
  }
  return rows;
}

function threadsOf(checkpoints: Record<string, unknown>[]): CheckpointThread[] {
  const threads = new Map<string, CheckpointThread>();
  for (const row of checkpoints) {
    const threadId = String(row.thread_id);
    const id = String(row.checkpoint_id);
    const thread = threads.get(threadId) ?? { threadId, checkpoints: 0, lastCheckpointId: id };
    thread.checkpoints++;
    if (id > thread.lastCheckpointId) thread.lastCheckpointId = id;
    threads.set(threadId, thread);
  }
  return [...threads.values()].sort((a, b) => b.lastCheckpointId.localeCompare(a.lastCheckpointId));
}

const fileBytes = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/** Reads what a store holds, without writing to it: its health and every readable run. */
function readStore(path: string): {
  report: CheckpointStoreReport;
  checkpoints: Record<string, unknown>[];
  writes: Record<string, unknown>[];
} {
  const base = { path, exists: existsSync(path), bytes: fileBytes(path), walBytes: fileBytes(`${path}-wal`) };
  const empty = { checkpoints: [], writes: [] };
  if (!base.exists)
    return {
      report: { ...base, healthy: true, readable: { checkpoints: 0, writes: 0 }, threads: [] },
      ...empty,
    };
  if (base.bytes === 0)
    return {
      report: {
        ...base,
        healthy: false,
        problem: EMPTY_FILE_PROBLEM,
        readable: { checkpoints: 0, writes: 0 },
        threads: [],
      },
      ...empty,
    };
  let db: SqlDatabase | undefined;
  try {
    db = openDatabase(path);
    db.exec('PRAGMA query_only=1');
  } catch (error) {
    db?.close();
    // Damage can show as early as opening the file (which page is hit depends on the store's layout):
    // that is a finding to report, not a reason for the report to fail.
    return {
      report: {
        ...base,
        healthy: false,
        problem: (error as Error).message,
        readable: { checkpoints: 0, writes: 0 },
        threads: [],
      },
      ...empty,
    };
  }
  try {
    const problem = integrityProblem(db);
    const checkpoints = readableRows(db, 'checkpoints', CHECKPOINT_COLUMNS);
    const writes = readableRows(db, 'writes', WRITE_COLUMNS);
    return {
      report: {
        ...base,
        healthy: problem === undefined,
        ...(problem ? { problem } : {}),
        readable: { checkpoints: checkpoints.length, writes: writes.length },
        threads: threadsOf(checkpoints),
      },
      checkpoints,
      writes,
    };
  } finally {
    db.close();
  }
}

/** Checks a checkpoint store and lists the runs (threads) it holds; writes nothing. */
export function inspectCheckpointStore(path: string): CheckpointStoreReport {
  return readStore(path).report;
}

/** What {@link repairCheckpointStore} did. */
export interface CheckpointRepair {
  /** Where the damaged file (and its -wal/-shm) now is. */
  damagedPath: string;
  /** Rows copied to the fresh store. */
  recovered: { checkpoints: number; writes: number };
  /** The fresh store's report. */
  report: CheckpointStoreReport;
}

/**
 * Copies every readable run of a damaged store into a fresh file at the same path and keeps the
 * damaged one beside it as `<path>.damaged-<time>` (with its `-wal`, `-shm`). Only on request (`hearth
 * runs doctor --repair`): Hearth itself never writes over a damaged store.
 *
 * @throws CheckpointStoreError when the store is healthy (nothing to repair) or does not exist.
 */
export function repairCheckpointStore(path: string, now: Date = new Date()): CheckpointRepair {
  const { report, checkpoints, writes } = readStore(path);
  if (!report.exists) throw new CheckpointStoreError(`There is no checkpoint store at ${path} to repair.`);
  if (report.healthy)
    throw new CheckpointStoreError(`The checkpoint store ${path} is healthy; there is nothing to repair.`);
  const fresh = `${path}.repairing`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${fresh}${suffix}`, { force: true });
  const db = openDatabase(fresh);
  try {
    new HearthSqliteSaver(db as unknown as ConstructorParameters<typeof SqliteSaver>[0]).createTables();
    const copy = (table: string, columns: string[], rows: Record<string, unknown>[]) => {
      const insert = db.prepare(
        `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      db.exec('BEGIN');
      for (const row of rows) insert.run(...columns.map((column) => row[column] ?? null));
      db.exec('COMMIT');
    };
    copy('checkpoints', CHECKPOINT_COLUMNS, checkpoints);
    copy('writes', WRITE_COLUMNS, writes);
    // Everything into the main file, so renaming it alone moves the whole store.
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const damagedPath = `${path}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${damagedPath}${suffix}`);
  renameSync(fresh, path);
  for (const suffix of ['-wal', '-shm']) rmSync(`${fresh}${suffix}`, { force: true });
  return {
    damagedPath,
    recovered: { checkpoints: checkpoints.length, writes: writes.length },
    report: inspectCheckpointStore(path),
  };
}
