import { execFile } from 'node:child_process';
import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';
import { CommandNotAllowedError } from './errors/command-not-allowed-error.js';

export interface ShellToolOptions {
  /** Bare command names that may run (e.g. `["ls", "git"]`). Empty means the tool refuses everything. */
  allow: string[];
  /** Working directory for commands (default: the current directory). */
  cwd?: string;
  timeoutMs?: number;
  /** Largest stdout/stderr kept, in bytes (default 256 KiB). */
  maxOutputBytes?: number;
}

/**
 * `shell`: runs one allow-listed command with arguments, without a shell (no pipes, globbing or
 * substitution, so arguments cannot smuggle in another command). Requires approval by default.
 */
export function shellTool(options: ShellToolOptions): ToolDefinition {
  const allow = new Set(options.allow);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return defineTool({
    name: 'shell',
    description: `Run one command with arguments (no shell syntax). Allowed commands: ${[...allow].join(', ') || '(none)'}.`,
    input: z.object({ command: z.string().min(1), args: z.array(z.string()).default([]) }),
    requiresApproval: true,
    timeoutMs: timeoutMs + 1000,
    run({ command, args }, { signal }) {
      if (command.includes('/') || command.includes('\\') || !allow.has(command))
        throw new CommandNotAllowedError(
          `Command ${JSON.stringify(command)} is not allowed. Allowed: ${[...allow].join(', ') || '(none: enable commands with shell.allow)'}.`,
        );
      return new Promise((resolve) => {
        execFile(
          command,
          args,
          {
            cwd: options.cwd,
            timeout: timeoutMs,
            maxBuffer: options.maxOutputBytes ?? 256 * 1024,
            signal,
            shell: false,
            encoding: 'utf8',
          },
          (error, stdout, stderr) => {
            const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
            resolve({
              content: [
                {
                  type: 'text',
                  text: `exit code: ${exitCode ?? 'none'}${error && exitCode === null ? ` (${error.message})` : ''}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
                },
              ],
              structuredContent: { exitCode, stdout, stderr },
              ...(exitCode === 0 ? {} : { isError: true }),
            });
          },
        );
      });
    },
  });
}
