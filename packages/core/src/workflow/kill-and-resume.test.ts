import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killInStep, startCountedRun } from '../test-support/start-counted-run.js';

describe('durability', () => {
  it('resumes a SIGKILLed run by thread id without re-running finished steps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-kill-'));
    const store = join(dir, 'checkpoints.sqlite');
    const counter = join(dir, 'counter.txt');
    const thread = 'kill-me';

    const first = startCountedRun([store, counter, thread, 'start', 's3']);
    expect((await killInStep(first, counter, 's3')).signal).toBe('SIGKILL');
    expect(readFileSync(counter, 'utf8')).toBe('s1\ns2\n');

    const second = startCountedRun([store, counter, thread, 'resume']);
    const { code } = await second.closed;
    expect(code, second.stderr()).toBe(0);
    // Every step's side effect happened exactly once; the resumed process ran only s3..s5.
    expect(readFileSync(counter, 'utf8')).toBe('s1\ns2\ns3\ns4\ns5\n');
    const result = JSON.parse(second.stdout());
    expect(result).toMatchObject({ status: 'done', output: { done: ['s1', 's2', 's3', 's4', 's5'] } });
    expect(result.ran).toEqual(['s3', 's4', 's5']);
  });
});
