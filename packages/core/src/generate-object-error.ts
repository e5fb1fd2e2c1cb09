import type { FinishReason } from '@hearth/engine';
import { HearthError } from '@hearth/engine';

/**
 * Thrown by `generateObject` when it was given no `fallback` and the model's reply is not a valid
 * object: not complete JSON, or JSON the schema rejects. `reason` says which, in words the model
 * could be told; `text` is the reply as decoded. Code `NO_OBJECT_GENERATED`.
 */
export class NoObjectGeneratedError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['NO_OBJECT_GENERATED'] as const;
  readonly reason: string;
  readonly text: string;
  readonly finishReason: FinishReason;

  constructor(details: { reason: string; text: string; finishReason: FinishReason }) {
    super('NO_OBJECT_GENERATED', `the model gave no usable object: ${details.reason}`);
    this.reason = details.reason;
    this.text = details.text;
    this.finishReason = details.finishReason;
  }
}
