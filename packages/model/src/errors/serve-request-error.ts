const SERVE_REQUEST_ERROR = Symbol.for('@hearth/model/ServeRequestError');

/**
 * Thrown inside `hearth serve` for a request it refuses: malformed JSON, a field that fails
 * validation, a wrong model name, a missing or wrong bearer token, a body over the size limit.
 * The server turns it into OpenAI's error shape (`{error: {message, type, param, code}}`) with
 * `status` as the HTTP status.
 */
export class ServeRequestError extends Error {
  override readonly name = 'ServeRequestError';
  readonly status: number;
  /** OpenAI's `error.type` for this status. */
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly [SERVE_REQUEST_ERROR] = true;

  constructor(status: number, message: string, details: { param?: string; code?: string } = {}) {
    super(message);
    this.status = status;
    this.type =
      status === 401
        ? 'authentication_error'
        : status === 404
          ? 'not_found_error'
          : status >= 500
            ? 'server_error'
            : 'invalid_request_error';
    this.param = details.param ?? null;
    this.code = details.code ?? null;
  }

  /** True for a ServeRequestError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ServeRequestError {
    return typeof value === 'object' && value !== null && SERVE_REQUEST_ERROR in value;
  }
}
