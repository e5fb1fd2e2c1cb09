import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { hearthHome, type RunStatus, type RunSummary } from '@hearth/engine';

/**
 * What `hearth run` remembers about a thread in `$HEARTH_HOME/runs/<thread>.json`, so that
 * `--resume <thread>` needs no target, model or workdir again, and `hearth runs` can list it.
 */
export interface RunRecord {
  /** A file path or example name, as `loadRunTarget` takes it. */
  target: string;
  /** None for a run of a target that names no model, started without `--model`. */
  model?: string;
  workdir: string;
  checkpoints?: string;
  /** The run id (the thread id); the file name alone is not enough, it replaces unsafe characters. */
  runId?: string;
  /**
   * Where the run stands, written by the process running it as it starts and ends (and by
   * `hearth runs cancel` for a run no process is running). Absent in records of older versions.
   */
  status?: RunStatus;
  /** The process running it and that process's machine, while `status` is `running`. */
  pid?: number;
  host?: string;
  createdAt?: string;
  updatedAt?: string;
  /** The last `run`/`resume` call, summed up (the contract's `RunSummary`, media shown by size). */
  summary?: RunSummary;
}

const runsDirectory = () => join(hearthHome(), 'runs');
const fileStem = (threadId: string) => join(runsDirectory(), threadId.replace(/[^\w.-]/g, '_'));
const runRecordPath = (threadId: string) => `${fileStem(threadId)}.json`;
/** The run's events (tokens left out), one JSON line each, appended as they happen. */
export const runEventsPath = (threadId: string) => `${fileStem(threadId)}.events.jsonl`;
/** Written by `hearth runs cancel`, watched by the process running the thread. */
export const cancelRequestPath = (threadId: string) => `${fileStem(threadId)}.cancel`;

// Records are read and written synchronously: they are small, and a run's status changes from event
// callbacks (synchronous) must land in the order they happen.

/** The record of a thread started here, or undefined when this machine never started it. */
export function readRunRecord(threadId: string): RunRecord | undefined {
  try {
    return JSON.parse(readFileSync(runRecordPath(threadId), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/**
 * Records a new thread before its run starts. Whether the thread is new is the run target's call
 * (`RunTarget.assertNewThread`, against the checkpoints), made before this.
 */
export function writeRunRecord(threadId: string, record: RunRecord): void {
  const path = runRecordPath(threadId);
  mkdirSync(dirname(path), { recursive: true });
  // Written whole and renamed into place: `hearth runs` reading it meanwhile never sees half a file.
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify({ runId: threadId, ...record }));
  renameSync(partial, path);
}

/** Changes some fields of a recorded run (its status as it goes); nothing when no record exists. */
export function updateRunRecord(threadId: string, change: Partial<RunRecord>): RunRecord | undefined {
  const record = readRunRecord(threadId);
  if (!record) return undefined;
  const updated = { ...record, ...change, updatedAt: new Date().toISOString() };
  writeRunRecord(threadId, updated);
  return updated;
}

/** Every run recorded here, newest first. */
export function listRunRecords(): RunRecord[] {
  let names: string[];
  try {
    names = readdirSync(runsDirectory());
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const name of names.filter((file) => file.endsWith('.json'))) {
    try {
      const record = JSON.parse(readFileSync(join(runsDirectory(), name), 'utf8')) as RunRecord;
      records.push({ ...record, runId: record.runId ?? name.slice(0, -'.json'.length) });
    } catch {
      // A record removed or being replaced while listing: the next list shows it.
    }
  }
  const when = (record: RunRecord) => record.updatedAt ?? record.createdAt ?? '';
  return records.sort((a, b) => when(b).localeCompare(when(a)));
}

/** Appends one event to the run's event log. */
export function appendRunEvent(threadId: string, event: unknown): void {
  mkdirSync(runsDirectory(), { recursive: true });
  appendFileSync(runEventsPath(threadId), `${JSON.stringify(event)}\n`);
}

/** The run's logged events (an empty list for a run that logged none). */
export function readRunEvents<Event>(threadId: string): Event[] {
  let text: string;
  try {
    text = readFileSync(runEventsPath(threadId), 'utf8');
  } catch {
    return [];
  }
  // The last line may be cut short by a kill mid-write; the lines before it are whole.
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Event];
      } catch {
        return [];
      }
    });
}

/** Asks the process running the thread to cancel it (it watches for this file). */
export function requestCancel(threadId: string): void {
  mkdirSync(runsDirectory(), { recursive: true });
  writeFileSync(cancelRequestPath(threadId), new Date().toISOString());
}

export function clearCancelRequest(threadId: string): void {
  rmSync(cancelRequestPath(threadId), { force: true });
}
