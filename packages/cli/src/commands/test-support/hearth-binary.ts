import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { McpClientConnection } from '@hearth/mcp';
import { onTestFinished } from 'vitest';

/** The real `hearth` entry point, run from source under tsx (resolved here, so any cwd works). */
const hearthArgs = (args: string[]): string[] => [
  '--import',
  import.meta.resolve('tsx'),
  fileURLToPath(new URL('../../bin.ts', import.meta.url)),
  ...args,
];
const cliPackageDir = fileURLToPath(new URL('../../../', import.meta.url));

export interface HearthProcessOptions {
  /** Added over the test's own environment (after the defaults below). */
  env?: Record<string, string>;
  /** HEARTH_HOME for the child; without it the child inherits the test's. */
  home?: string;
  cwd?: string;
}

/**
 * The environment a spawned `hearth` gets: the test's own, offline (no test reaches the network by
 * accident), with `home` as HEARTH_HOME.
 */
function hearthEnv({ env = {}, home }: HearthProcessOptions): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    HEARTH_OFFLINE: '1',
    ...(home ? { HEARTH_HOME: home } : {}),
    ...env,
  };
}

export interface HearthProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is fully read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `pattern` in stderr, or rejects when the process ends first. */
  stderrMatch: (pattern: RegExp) => Promise<RegExpExecArray>;
}

/**
 * Starts the real `hearth` binary and collects what it prints; for servers a test talks to while they
 * run. Call it inside a test: a process still running when the test finishes is SIGKILLed.
 */
export function startHearth(args: string[], options: HearthProcessOptions = {}): HearthProcess {
  const child = spawn(process.execPath, hearthArgs(args), {
    env: hearthEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const stderrMatch = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const match = pattern.exec(stderr);
        if (match) resolve(match);
        return Boolean(match);
      };
      if (look()) return;
      child.stderr?.on('data', look);
      void closed.then(() => look() || reject(new Error(`hearth exited before ${pattern}: ${stderr}`)));
    });
  return { child, closed, stdout: () => stdout, stderr: () => stderr, stderrMatch };
}

/**
 * Runs `hearth <args>` as a child process to its end. `onSpawn` gets the child at once (to signal it
 * mid-run).
 */
export async function runHearth(
  args: string[],
  options: HearthProcessOptions & { onSpawn?: (child: ChildProcess) => void } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const run = startHearth(args, options);
  options.onSpawn?.(run.child);
  const { code, signal } = await run.closed;
  return { code, signal, stdout: run.stdout(), stderr: run.stderr() };
}

/** How an MCP client starts `hearth mcp serve <flags>` over stdio (the SDK's StdioServerParameters). */
export function hearthMcpStdioServer(flags: string[], env: Record<string, string> = {}) {
  return {
    command: process.execPath,
    args: hearthArgs(['mcp', 'serve', ...flags]),
    cwd: cliPackageDir,
    env: hearthEnv({ env }),
  };
}

/** Our own MCP client (`@hearth/mcp`) for `hearth mcp serve <flags>` over stdio; connects on first use. */
export function connectHearthMcp(
  flags: string[],
  options: { env?: Record<string, string>; timeoutMs: number },
): McpClientConnection {
  return new McpClientConnection({
    name: 'hearth',
    ...hearthMcpStdioServer(flags, options.env),
    timeoutMs: options.timeoutMs,
  });
}
