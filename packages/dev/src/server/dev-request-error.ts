import { HearthError } from '@hearth/engine';

/**
 * A request to the dev server's API that cannot be done as asked (an unknown target, a bad
 * attachment, approving a run that is not paused). The server answers it with `status` and the
 * message; it never leaves the server, so it has no exit code. Code `DEV_REQUEST`.
 */
export class DevRequestError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['DEV_REQUEST'] as const;
  readonly status: 400 | 404 | 409 | 413;

  constructor(message: string, status: 400 | 404 | 409 | 413 = 400) {
    super('DEV_REQUEST', message);
    this.status = status;
  }
}
