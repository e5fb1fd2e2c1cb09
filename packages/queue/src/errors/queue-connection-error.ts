import { HearthError } from '@hearth/engine';

/**
 * Thrown when the queue cannot use its Redis or Postgres: unreachable (refused, unknown host, no
 * answer within the connect timeout: `QUEUE_REDIS_UNREACHABLE`, `QUEUE_POSTGRES_UNREACHABLE`) or too
 * old (`QUEUE_REDIS_VERSION`: BullMQ needs Redis >= 6.2; `QUEUE_POSTGRES_VERSION`: Postgres >= 13). The
 * message names the URL (without its password) and what to do.
 */
export class QueueConnectionError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = [
    'QUEUE_REDIS_UNREACHABLE',
    'QUEUE_POSTGRES_UNREACHABLE',
    'QUEUE_REDIS_VERSION',
    'QUEUE_POSTGRES_VERSION',
  ] as const;

  constructor(
    code: (typeof QueueConnectionError.codes)[number],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
