const MISSING_SYSTEM_TOOL_ERROR = Symbol.for('@hearth/testkit/MissingSystemToolError');

/**
 * Thrown when a media fixture needs a system program that is not installed or not on PATH:
 * `espeak-ng` or `sox` for speech ({@link speak}), `chromium` for screenshots ({@link launchChromium}).
 * The message names the Debian package to install and the repository's install script.
 */
export class MissingSystemToolError extends Error {
  override readonly name = 'MissingSystemToolError';
  readonly [MISSING_SYSTEM_TOOL_ERROR] = true;

  constructor(
    /** The program that was looked for, e.g. `espeak-ng`. */
    readonly tool: string,
    /** The Debian/Ubuntu package that provides it. */
    readonly debianPackage: string,
    /** What it was needed for, e.g. `to synthesise speech`. */
    purpose: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${tool} was not found (needed ${purpose}). Install the "${debianPackage}" package ` +
        `(sudo apt-get install -y ${debianPackage}) or run scripts/install-system-deps.sh ` +
        'from the repository root, then retry.',
      options,
    );
  }

  /** True for any MissingSystemToolError, even one from another copy of this package. */
  static isInstance(value: unknown): value is MissingSystemToolError {
    return typeof value === 'object' && value !== null && MISSING_SYSTEM_TOOL_ERROR in value;
  }
}
