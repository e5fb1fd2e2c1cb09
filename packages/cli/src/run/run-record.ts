import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hearthHome } from '@hearth/engine';

/**
 * What `hearth run` remembers about a thread in `$HEARTH_HOME/runs/<thread>.json`, so that
 * `--resume <thread>` needs no target, model or workdir again.
 */
export interface RunRecord {
  /** A file path or example name, as `loadRunTarget` takes it. */
  target: string;
  model: string;
  workdir: string;
  checkpoints?: string;
}

const runRecordPath = (threadId: string) =>
  join(hearthHome(), 'runs', `${threadId.replace(/[^\w.-]/g, '_')}.json`);

/** The record of a thread started here, or undefined when this machine never started it. */
export async function readRunRecord(threadId: string): Promise<RunRecord | undefined> {
  try {
    return JSON.parse(await readFile(runRecordPath(threadId), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/**
 * Records a new thread before its run starts. Whether the thread is new is the run target's call
 * (`RunTarget.assertNewThread`, against the checkpoints), made before this.
 */
export async function writeRunRecord(threadId: string, record: RunRecord): Promise<void> {
  const path = runRecordPath(threadId);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(record));
}
