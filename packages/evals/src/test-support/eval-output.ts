import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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
