import { HearthError } from '@hearth/engine';

/**
 * Thrown by a hosted engine (`HostedEngine`) when the model host process dies: llama.cpp aborted or
 * segfaulted (a file that passes validation but breaks the native loader, a media file its decoder
 * chokes on, an internal assert), or the process was killed. Every call in flight is rejected with
 * it; the next call starts a fresh host. `reason` is the native library's last words on stderr.
 * Code `MODEL_CRASHED`.
 */
export class ModelCrashedError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MODEL_CRASHED'] as const;
  /** The end of the host's stderr (llama.cpp's assert or exception message), or '' if it said nothing. */
  readonly reason: string;
  /** The signal that ended the host (e.g. `SIGSEGV`, `SIGABRT`), if any. */
  readonly signal: NodeJS.Signals | null;
  /** The host process's exit code, if it exited by itself. */
  readonly hostExitCode: number | null;

  constructor(details: {
    model: string;
    reason: string;
    signal: NodeJS.Signals | null;
    hostExitCode: number | null;
    during: string;
  }) {
    const how = details.signal
      ? `was killed by ${details.signal}`
      : `exited with code ${details.hostExitCode}`;
    const why = details.reason ? `; native reason: ${details.reason}` : '';
    super(
      'MODEL_CRASHED',
      `The model host for ${details.model} ${how} while ${details.during}${why}. ` +
        'The next call starts a fresh host; if it keeps crashing, check the model files and media.',
    );
    this.reason = details.reason;
    this.signal = details.signal;
    this.hostExitCode = details.hostExitCode;
  }
}
