import { CommanderError } from 'commander';

/** Exit codes that mean something, documented in `hearth --help` and the README. */
export const ExitCode = {
  success: 0,
  failure: 1,
  usage: 2,
  /** A model file or model process failed (bad file, native crash). */
  model: 3,
  /** `hearth run` paused: a tool call waits for `--resume <thread> --approve|--deny`. */
  approvalNeeded: 4,
} as const;

/** Prints an error for a person (message only, stack with HEARTH_DEBUG=1) and returns its exit code. */
export function reportFailure(error: unknown): number {
  // Commander has already printed its own message (or the help / version text it was asked for).
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`hearth: ${message}\n`);
  if (process.env.HEARTH_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${error.stack}\n`);
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' ? code : ExitCode.failure;
}

/** Writes one JSON document to stdout (what `--json` promises). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
