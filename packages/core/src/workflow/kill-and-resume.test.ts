import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../test-support/counted-run.ts', import.meta.url));

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the child process');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('durability', () => {
  it('resumes a SIGKILLed run by thread id without re-running finished steps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-kill-'));
    const store = join(dir, 'checkpoints.sqlite');
    const counter = join(dir, 'counter.txt');
    const thread = 'kill-me';

    const first = start([store, counter, thread, 'start', 's3']);
    await waitFor(() => existsSync(`${counter}.started-s3`));
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(readFileSync(counter, 'utf8')).toBe('s1\ns2\n');

    const second = start([store, counter, thread, 'resume']);
    const { code } = await second.exited;
    expect(code, second.output().stderr).toBe(0);
    // Every step's side effect happened exactly once; the resumed process ran only s3..s5.
    expect(readFileSync(counter, 'utf8')).toBe('s1\ns2\ns3\ns4\ns5\n');
    const result = JSON.parse(second.output().stdout);
    expect(result).toMatchObject({ status: 'done', output: { done: ['s1', 's2', 's3', 's4', 's5'] } });
    expect(result.ran).toEqual(['s3', 's4', 's5']);
  });
});
