import { join, resolve } from 'node:path';
import { hearthHome } from '@hearth/engine';
import { type BaseCheckpointSaver, MemorySaver } from '@langchain/langgraph';
import { compactBytes } from './checkpoint-serde.js';
import { openSqliteSaver } from './checkpoint-store.js';

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
