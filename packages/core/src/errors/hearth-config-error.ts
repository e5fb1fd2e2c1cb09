import { HearthError } from '@hearth/engine';

/**
 * Thrown by `loadHearthConfig` / `parseHearthConfig`: code `CONFIG_UNREADABLE` when
 * `hearth.config.json` cannot be read (missing, no permission), `CONFIG_INVALID` when it is not JSON
 * or has a bad field (the message names the field path).
 */
export class HearthConfigError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['CONFIG_UNREADABLE', 'CONFIG_INVALID'] as const;
  declare readonly code: (typeof HearthConfigError.codes)[number];

  constructor(
    code: (typeof HearthConfigError.codes)[number],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
