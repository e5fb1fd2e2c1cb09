import { HearthError } from '@hearth/engine';

/** Where the Chromium path that was tried came from, so the message can say what to change. */
export type ChromiumPathSource = 'option' | 'HEARTH_CHROMIUM_PATH' | 'default';

const whereThePathCameFrom: Record<ChromiumPathSource, string> = {
  option: 'given as executablePath',
  HEARTH_CHROMIUM_PATH: 'set by HEARTH_CHROMIUM_PATH',
  default: 'the default; set HEARTH_CHROMIUM_PATH if Chromium is installed elsewhere',
};

/**
 * Thrown by {@link launchChromium} when the Chromium binary it would start does not exist or is not
 * executable. The message names the path, where it came from and how to install Chromium. Code
 * `CHROMIUM_NOT_FOUND`.
 */
export class ChromiumNotFoundError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['CHROMIUM_NOT_FOUND'] as const;

  constructor(
    /** The binary that was looked for. */
    readonly executablePath: string,
    /** Where that path came from. */
    readonly source: ChromiumPathSource,
    options?: { cause?: unknown },
  ) {
    super(
      'CHROMIUM_NOT_FOUND',
      `Chromium was not found at ${executablePath} (${whereThePathCameFrom[source]}). Hearth renders pages ` +
        'and takes screenshots with the system Chromium: run scripts/install-system-deps.sh from the ' +
        'repository root or `sudo apt-get install -y chromium`, or point HEARTH_CHROMIUM_PATH at an ' +
        'installed Chromium binary, then retry.',
      options,
    );
  }
}
