import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';
import { CommandNotAllowedError } from './errors/command-not-allowed-error.js';
import {
  checkSandbox,
  defaultShellLimits,
  runSandboxed,
  type SandboxSpec,
  type ShellLimits,
  sandboxRoot,
  sandboxSeccomp,
} from './shell-sandbox.js';

export interface ShellToolOptions {
  /** Bare command names that may run (e.g. `["ls", "git"]`). Empty means the tool refuses everything. */
  allow: string[];
  /** The only folder commands can write: bound read-write in the sandbox and used as the working directory. */
  root: string;
  /** Let commands reach the network (default false: the sandbox has only its own empty loopback). */
  network?: boolean;
  /** Wall-clock limit per command; past it the whole sandbox is killed (default 30 s). */
  timeoutMs?: number;
  /** Largest stdout + stderr kept, in bytes; past it the sandbox is killed (default 256 KiB). */
  maxOutputBytes?: number;
  limits?: Partial<ShellLimits>;
  /** The bubblewrap binary (default `bwrap` on PATH). */
  bwrap?: string;
}

/**
 * `shell`: runs one allow-listed command with arguments, without a shell, inside a bubblewrap
 * sandbox. The allow-list alone cannot make this safe (`git -c alias.x=!cmd`, `find -exec`, `git
 * ls-remote --upload-pack` all run arbitrary programs), so the sandbox is the boundary: read-only
 * system folders, only `root` writable, no host secrets (/root, /home, /tmp, HEARTH_HOME hidden, no
 * environment), no network unless `network`, uid 65534, CPU/memory/file-size/process limits and a
 * wall-clock limit that kills every process of the command. Refuses to run at all
 * (`ShellSandboxUnavailableError`) where bubblewrap is missing or cannot create namespaces.
 * Requires approval by default.
 */
export function shellTool(options: ShellToolOptions): ToolDefinition {
  const allow = new Set(options.allow);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxOutputBytes = options.maxOutputBytes ?? 256 * 1024;
  let ready: Promise<SandboxSpec> | undefined;
  const sandbox = () => {
    ready ??= (async () => {
      const spec: SandboxSpec = {
        root: sandboxRoot(options.root),
        network: options.network ?? false,
        limits: { ...defaultShellLimits, ...options.limits },
        bwrap: options.bwrap ?? 'bwrap',
        seccomp: sandboxSeccomp(),
      };
      await checkSandbox(spec);
      return spec;
    })();
    // A failed check is retried on the next call (the user may install bubblewrap meanwhile).
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };
  return defineTool({
    name: 'shell',
    description: `Run one command with arguments (no shell syntax) in a sandbox whose working directory is the tool root, the only writable folder${options.network ? '' : '; no network'}. Allowed commands: ${[...allow].join(', ') || '(none)'}.`,
    input: z.object({ command: z.string().min(1), args: z.array(z.string()).default([]) }),
    requiresApproval: true,
    // Inside the sandbox: reads and writes only the root, reaches the network only when configured.
    effects: { readsFiles: true, writes: true, runs: true, network: options.network ?? false },
    // The sandbox probe runs before the first command; the registry's limit covers both.
    timeoutMs: timeoutMs + 10_000,
    async run({ command, args }, { signal }) {
      if (command.includes('/') || command.includes('\\') || !allow.has(command))
        throw new CommandNotAllowedError(
          `Command ${JSON.stringify(command)} is not allowed. Allowed: ${[...allow].join(', ') || '(none: enable commands with shell.allow)'}.`,
        );
      const spec = await sandbox();
      signal.throwIfAborted();
      const { exitCode, stdout, stderr, stopped } = await runSandboxed(spec, command, args, {
        timeoutMs,
        maxOutputBytes,
        signal,
      });
      const why =
        stopped === 'time limit'
          ? ` (stopped: the command ran past its ${timeoutMs} ms time limit; every process in its sandbox was killed)`
          : stopped === 'output limit'
            ? ` (stopped: the command wrote more than ${maxOutputBytes} bytes of output; every process in its sandbox was killed)`
            : stopped === 'aborted'
              ? ' (stopped: the call was cancelled; every process in its sandbox was killed)'
              : '';
      return {
        content: [
          {
            type: 'text',
            text: `exit code: ${exitCode ?? 'none'}${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
          },
        ],
        structuredContent: { exitCode, stdout, stderr, ...(stopped ? { stopped } : {}) },
        ...(exitCode === 0 && !stopped ? {} : { isError: true }),
      };
    },
  });
}
