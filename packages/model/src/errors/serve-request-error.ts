import { HearthError } from '@hearth/engine';

/**
 * Thrown inside `hearth serve` for a request it refuses: malformed JSON, a field that fails
 * validation, a wrong model name, a missing or wrong bearer token, a body over the size limit.
 * The server turns it into OpenAI's error shape (`{error: {message, type, param, code}}`) with
 * `status` as the HTTP status. Code `SERVE_REQUEST` (OpenAI's own `error.code` is `openaiCode`).
 */
export class ServeRequestError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['SERVE_REQUEST'] as const;
  readonly status: number;
  /** OpenAI's `error.type` for this status. */
  readonly type: string;
  readonly param: string | null;
  /** OpenAI's `error.code` (`invalid_value`, `model_not_found`, ...), sent to the client. */
  readonly openaiCode: string | null;

  constructor(status: number, message: string, details: { param?: string; openaiCode?: string } = {}) {
    super('SERVE_REQUEST', message);
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
    this.openaiCode = details.openaiCode ?? null;
  }
}
