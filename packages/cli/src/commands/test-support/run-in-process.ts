import type { Command } from 'commander';
import { vi } from 'vitest';
import { createProgram } from '../../program.js';

/**
 * Runs `hearth <args>` in this process and returns what it printed. Usage errors throw (commander's
 * exitOverride, on every subcommand) instead of exiting the test process.
 */
export async function runHearthInProcess(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const program = createProgram();
    const overrideExit = (command: Command): void => {
      command.exitOverride();
      command.commands.forEach(overrideExit);
    };
    overrideExit(program);
    await program.parseAsync(['node', 'hearth', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}
