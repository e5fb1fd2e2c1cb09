import { HearthError } from '@hearth/engine';

/** Thrown by `http_fetch` (and the browser tools when given an allow-list) when a URL's host, or a redirect's, is not on the allow-list. Code `HOST_NOT_ALLOWED`. */
export class HostNotAllowedError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['HOST_NOT_ALLOWED'] as const;

  constructor(message: string) {
    super('HOST_NOT_ALLOWED', message);
  }
}
