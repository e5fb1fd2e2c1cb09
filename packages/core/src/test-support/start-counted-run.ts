import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./counted-run.ts', import.meta.url));

export interface CountedRun {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is fully read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
}

/**
 * Starts the counted workflow (counted-run.ts) in a child process, as a crash would find it:
 *   startCountedRun([store, counter, threadId, 'start' | 'resume', blockAtStep?])
 */
export function startCountedRun(args: string[]): CountedRun {
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
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, closed, stdout: () => stdout, stderr: () => stderr };
}

/**
 * SIGKILLs a run started with block-at `step` once that step is in flight (it creates
 * `<counter>.started-<step>`); throws if the run exits before getting there.
 */
export async function killInStep(run: CountedRun, counter: string, step: string) {
  const started = `${counter}.started-${step}`;
  while (!existsSync(started)) {
    if (run.child.exitCode !== null || run.child.signalCode !== null)
      throw new Error(`the run exited before step ${step}: ${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  run.child.kill('SIGKILL');
  return run.closed;
}
