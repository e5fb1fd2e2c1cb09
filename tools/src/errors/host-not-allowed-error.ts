const marker = Symbol.for('hearth.HostNotAllowedError');

/** Thrown by `http_fetch` (and the browser tools when given an allow-list) when a URL's host, or a redirect's, is not on the allow-list. */
export class HostNotAllowedError extends Error {
  override readonly name = 'HostNotAllowedError';
  readonly [marker] = true;

  static isInstance(value: unknown): value is HostNotAllowedError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
