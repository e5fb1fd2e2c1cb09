import { HearthError } from '@hearth/engine';

/**
 * Thrown by the `openai` engine when an OpenAI-compatible server answers with an HTTP error or with
 * a body that is not a chat completion. Carries the HTTP status and the server's own error message
 * (OpenAI's `{error: {message, type, code}}` shape, when the server uses it). Code `OPENAI_REQUEST`.
 */
export class OpenAIRequestError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['OPENAI_REQUEST'] as const;
  /** HTTP status, or 0 when no HTTP answer came (connection refused, bad stream). */
  readonly status: number;
  readonly url: string;
  /** `error.type` from the server's body, when present. */
  readonly type: string | undefined;

  constructor(message: string, details: { status: number; url: string; type?: string; cause?: unknown }) {
    super('OPENAI_REQUEST', message, { cause: details.cause });
    this.status = details.status;
    this.url = details.url;
    this.type = details.type;
  }
}
