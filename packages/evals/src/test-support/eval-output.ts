import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ResultRecord } from '../result-record.js';

/**
 * A temporary folder for the tests of one file: made before them, removed after them. Returns a getter,
 * since the folder exists only once `beforeAll` has run.
 */
export function temporaryFolderForFile(prefix: string): () => string {
  let folder: string | undefined;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });
  return () => {
    if (folder === undefined)
      throw new Error('the temporary folder is made in beforeAll: read it inside a test');
    return folder;
  };
}

/** The records a run wrote to `outDir/results.jsonl`, in order. */
export const readResultRecords = async (outDir: string): Promise<ResultRecord[]> =>
  (await readFile(join(outDir, 'results.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ResultRecord);

/**
 * Checks that each answer of the multi-step mutant failed with the error type its fault causes (the
 * answer text says `mutant fault: <fault> (expect <error type>)`); returns the faults seen, sorted, for
 * the test to compare with the ones its suite should exercise.
 */
export function expectMutantFaultsCaught(records: readonly ResultRecord[]): string[] {
  const faults = new Set<string>();
  for (const record of records.filter((entry) => entry.model === 'mutant')) {
    const [, fault, expected] = /mutant fault: (.+) \(expect (.+)\)$/.exec(record.output.text) ?? [];
    expect(record.errorType, `${record.id}: ${fault}: ${record.reason}`).toBe(expected);
    faults.add(fault ?? '');
  }
  return [...faults].sort();
}
