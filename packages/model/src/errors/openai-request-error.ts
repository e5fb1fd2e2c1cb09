const OPENAI_REQUEST_ERROR = Symbol.for('@hearth/model/OpenAIRequestError');

/**
 * Thrown by the `openai` engine when an OpenAI-compatible server answers with an HTTP error or with
 * a body that is not a chat completion. Carries the HTTP status and the server's own error message
 * (OpenAI's `{error: {message, type, code}}` shape, when the server uses it).
 */
export class OpenAIRequestError extends Error {
  override readonly name = 'OpenAIRequestError';
  /** HTTP status, or 0 when no HTTP answer came (connection refused, bad stream). */
  readonly status: number;
  readonly url: string;
  /** `error.type` from the server's body, when present. */
  readonly type: string | undefined;
  readonly [OPENAI_REQUEST_ERROR] = true;

  constructor(message: string, details: { status: number; url: string; type?: string; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.status = details.status;
    this.url = details.url;
    this.type = details.type;
  }

  /** True for an OpenAIRequestError, even one from another copy of this package. */
  static isInstance(value: unknown): value is OpenAIRequestError {
    return typeof value === 'object' && value !== null && OPENAI_REQUEST_ERROR in value;
  }
}
