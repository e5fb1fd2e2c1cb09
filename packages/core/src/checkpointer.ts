import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hearthHome } from '@hearth/engine';
import { type BaseCheckpointSaver, MemorySaver } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { compactBytes } from './checkpoint-serde.js';
import { CheckpointStoreError } from './errors/checkpoint-store-error.js';

/** Where runs are checkpointed unless told otherwise: `$HEARTH_HOME/checkpoints.sqlite` (HEARTH_HOME defaults to `~/.cache/hearth`). */
export function defaultCheckpointPath(): string {
  return join(hearthHome(), 'checkpoints.sqlite');
}

/** A checkpointer, a path to an SQLite file, or `memory` (one store per process; nothing survives it). */
export type CheckpointerOption = BaseCheckpointSaver | string;

const openSavers = new Map<string, BaseCheckpointSaver>();
let memorySaver: MemorySaver | undefined;

/**
 * Opens (once per process and path) the checkpointer a run writes to after every step.
 * SQLite by default, so a run killed mid-way resumes from its thread id in a new process.
 */
export function openCheckpointer(option: CheckpointerOption = defaultCheckpointPath()): BaseCheckpointSaver {
  if (typeof option !== 'string') return option;
  if (option === 'memory') {
    memorySaver ??= compactBytes(new MemorySaver());
    return memorySaver;
  }
  const path = resolve(option);
  let saver = openSavers.get(path);
  if (!saver) {
    saver = compactBytes(openSqliteSaver(path));
    openSavers.set(path, saver);
  }
  return saver;
}

/** The subset of Node's built-in `node:sqlite` (Node >= 22.5) used here; @types/node 20 does not declare it. */
interface BuiltinSqlite {
  DatabaseSync: new (
    path: string,
  ) => {
    exec(sql: string): void;
    prepare(sql: string): BuiltinStatement;
  };
}
interface BuiltinStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * SQLite through better-sqlite3 (what LangGraph's saver is written for). If its native addon does not
 * load in this Node.js (it was built for another Node version), the same saver runs on Node's
 * built-in `node:sqlite`, which offers the calls the saver makes (`prepare` with run/get/all, `exec`),
 * plus `pragma` and `transaction` written here.
 */
function openSqliteSaver(path: string): SqliteSaver {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new CheckpointStoreError(
      `cannot create the checkpoint directory for ${path}: ${(error as Error).message}`,
    );
  }
  try {
    return SqliteSaver.fromConnString(path);
  } catch (error) {
    const builtin = process.getBuiltinModule?.('node:sqlite') as BuiltinSqlite | undefined;
    if (!builtin) {
      throw new CheckpointStoreError(
        `cannot open the checkpoint store ${path}: ${(error as Error).message}. If better-sqlite3 was built for another Node.js, run \`npm rebuild better-sqlite3\` with this one (${process.version}).`,
      );
    }
    const db = new builtin.DatabaseSync(path);
    const adapter = {
      prepare: (sql: string) => {
        const statement = db.prepare(sql);
        // better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it.
        const bind = (params: unknown[]) => params.map((param) => (param === undefined ? null : param));
        return {
          run: (...params: unknown[]) => statement.run(...bind(params)),
          get: (...params: unknown[]) => statement.get(...bind(params)),
          all: (...params: unknown[]) => statement.all(...bind(params)),
        };
      },
      exec: (sql: string) => db.exec(sql),
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
    };
    return new SqliteSaver(adapter as unknown as ConstructorParameters<typeof SqliteSaver>[0]);
  }
}
