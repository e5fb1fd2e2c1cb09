import { HearthError } from '@hearth/engine';

/** Thrown by the `shell` tool when bubblewrap (`bwrap`) is missing or cannot create its namespaces here, so no command can run sandboxed. Code `SHELL_SANDBOX_UNAVAILABLE`. */
export class ShellSandboxUnavailableError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['SHELL_SANDBOX_UNAVAILABLE'] as const;

  constructor(message: string) {
    super('SHELL_SANDBOX_UNAVAILABLE', message);
  }
}
