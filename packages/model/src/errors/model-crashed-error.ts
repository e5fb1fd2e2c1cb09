const MODEL_CRASHED_ERROR = Symbol.for('@hearth/model/ModelCrashedError');

/**
 * Thrown by a hosted engine (`HostedEngine`) when the model host process dies: llama.cpp aborted or
 * segfaulted (a file that passes validation but breaks the native loader, a media file its decoder
 * chokes on, an internal assert), or the process was killed. Every call in flight is rejected with
 * it; the next call starts a fresh host. `reason` is the native library's last words on stderr.
 * `exitCode` 3 makes the CLI report a model failure.
 */
export class ModelCrashedError extends Error {
  override readonly name = 'ModelCrashedError';
  /** The end of the host's stderr (llama.cpp's assert or exception message), or '' if it said nothing. */
  readonly reason: string;
  /** The signal that ended the host (e.g. `SIGSEGV`, `SIGABRT`), if any. */
  readonly signal: NodeJS.Signals | null;
  /** The host's exit code, if it exited by itself. */
  readonly hostExitCode: number | null;
  readonly exitCode = 3;
  readonly [MODEL_CRASHED_ERROR] = true;

  constructor(details: {
    model: string;
    reason: string;
    signal: NodeJS.Signals | null;
    exitCode: number | null;
    during: string;
  }) {
    const how = details.signal ? `was killed by ${details.signal}` : `exited with code ${details.exitCode}`;
    const why = details.reason ? `; native reason: ${details.reason}` : '';
    super(
      `The model host for ${details.model} ${how} while ${details.during}${why}. ` +
        'The next call starts a fresh host; if it keeps crashing, check the model files and media.',
    );
    this.reason = details.reason;
    this.signal = details.signal;
    this.hostExitCode = details.exitCode;
  }

  /** True for a ModelCrashedError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ModelCrashedError {
    return typeof value === 'object' && value !== null && MODEL_CRASHED_ERROR in value;
  }
}
