import { HearthError } from '@hearth/engine';

/**
 * Thrown when a media fixture needs a system program that is not installed or not on PATH:
 * `espeak-ng` or `sox` for speech ({@link speak}). A missing Chromium is `@hearth/chromium`'s
 * `ChromiumNotFoundError`.
 * The message names the Debian package to install and the repository's install script. Code
 * `SYSTEM_TOOL_MISSING`.
 */
export class MissingSystemToolError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['SYSTEM_TOOL_MISSING'] as const;

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
      'SYSTEM_TOOL_MISSING',
      `${tool} was not found (needed ${purpose}). Install the "${debianPackage}" package ` +
        `(sudo apt-get install -y ${debianPackage}) or run scripts/install-system-deps.sh ` +
        'from the repository root, then retry.',
      options,
    );
  }
}
