import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectCheckpointStore, openSqliteSaver, repairCheckpointStore } from './checkpoint-store.js';
import { CheckpointDamagedError } from './errors/checkpoint-damaged-error.js';
import { killInStep, startCountedRun } from './test-support/start-counted-run.js';

// Real SQLite files, damaged the ways disks, scripts and people damage them; the runs are written by a
// real workflow in another process (test-support/counted-run.ts), killed where a crash would kill it.

/** Runs the five-step counted workflow in a child process; with `blockAt`, SIGKILLs it in that step. */
async function runWorkflow(store: string, thread: string, blockAt?: string): Promise<void> {
  const counter = `${store}.${thread}.counter`;
  const run = startCountedRun([store, counter, thread, 'start', ...(blockAt ? [blockAt] : [])]);
  if (blockAt) await killInStep(run, counter, blockAt);
  else expect((await run.closed).code, run.stderr()).toBe(0);
}

const tempStore = () => join(mkdtempSync(join(tmpdir(), 'hearth-store-')), 'checkpoints.sqlite');

function damageOf(action: () => unknown): CheckpointDamagedError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(CheckpointDamagedError.isInstance(caught), String(caught)).toBe(true);
  return caught as CheckpointDamagedError;
}

describe('a damaged checkpoint store is refused with its path and the way out, and never written to', () => {
  it('corrupt bytes in the middle: refused on open; doctor --repair keeps the damaged file and recovers the rest', async () => {
    const store = tempStore();
    for (let i = 0; i < 12; i++) await runWorkflow(store, `run-${i}`);
    const healthy = inspectCheckpointStore(store);
    expect(healthy.healthy).toBe(true);
    expect(healthy.threads).toHaveLength(12);
    const pageSize = 4096;
    const pages = statSync(store).size / pageSize;
    expect(pages).toBeGreaterThan(6);
    // Garbage over one page in the middle of the file (not the header page).
    const fd = openSync(store, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(pages / 2) * pageSize);
    closeSync(fd);
    const before = statSync(store);

    const error = damageOf(() => openSqliteSaver(store));
    expect(error.code).toBe('CHECKPOINT_DAMAGED');
    expect(error.message).toContain(store);
    expect(error.message).toMatch(/hearth runs doctor --checkpoints .* --repair/);
    // Refusing wrote nothing: same size, same modification time.
    expect(statSync(store).size).toBe(before.size);
    expect(statSync(store).mtimeMs).toBe(before.mtimeMs);

    const report = inspectCheckpointStore(store);
    expect(report.healthy).toBe(false);
    expect(report.problem).toMatch(/quick check|malformed/);
    const repair = repairCheckpointStore(store, new Date('2026-12-01T18:00:00Z'));
    expect(repair.damagedPath).toBe(`${store}.damaged-2026-12-01T18-00-00-000Z`);
    expect(existsSync(repair.damagedPath)).toBe(true);
    expect(repair.report.healthy).toBe(true);
    // One damaged page loses the rows on it, not the store: most runs come back.
    expect(repair.report.threads.length).toBeGreaterThanOrEqual(6);
    expect(repair.recovered.checkpoints).toBe(repair.report.readable.checkpoints);
    // The repaired store opens and takes new runs.
    await runWorkflow(store, 'after-repair');
    expect(inspectCheckpointStore(store).threads.map((t) => t.threadId)).toContain('after-repair');
  }, 120_000);

  it('a file that is not a database at all: refused naming the file', () => {
    const store = tempStore();
    writeFileSync(store, 'this is not SQLite '.repeat(500));
    const error = damageOf(() => openSqliteSaver(store));
    expect(error.message).toMatch(/not a database/);
    expect(error.message).toContain(store);
    expect(inspectCheckpointStore(store).healthy).toBe(false);
  });

  it('a zero-byte file: refused (SQLite would take it as a new, empty store and forget the runs silently)', async () => {
    const store = tempStore();
    await runWorkflow(store, 'kept');
    writeFileSync(store, '');
    for (const suffix of ['-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true });
    const error = damageOf(() => openSqliteSaver(store));
    expect(error.problem).toMatch(/empty \(0 bytes\)/);
    expect(statSync(store).size).toBe(0);
    const repair = repairCheckpointStore(store, new Date('2026-12-01T18:00:00Z'));
    expect(statSync(repair.damagedPath).size).toBe(0);
    expect(repair.report).toMatchObject({ healthy: true, threads: [] });
  });

  it('a new store is written at once, so Hearth itself never leaves an empty file', () => {
    const store = tempStore();
    openSqliteSaver(store);
    expect(statSync(store).size).toBeGreaterThan(0);
  });
});

describe('a deleted write-ahead log loses no committed step', () => {
  it('finished and killed runs survive deleting -wal and -shm (every commit is checkpointed into the main file)', async () => {
    const store = tempStore();
    await runWorkflow(store, 'finished');
    await runWorkflow(store, 'killed-in-s3', 's3');
    // Neither process closed the database: whatever was only in the log is lost with it.
    for (const suffix of ['-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true });
    const report = inspectCheckpointStore(store);
    expect(report.healthy).toBe(true);
    const threads = Object.fromEntries(report.threads.map((t) => [t.threadId, t.checkpoints]));
    // The finished run: input, five steps and the end; the killed one: input, s1, s2 at least.
    expect(threads.finished).toBeGreaterThanOrEqual(6);
    expect(threads['killed-in-s3']).toBeGreaterThanOrEqual(3);
    expect(readdirSync(join(store, '..')).filter((name) => name.includes('damaged'))).toEqual([]);
  }, 120_000);
});
