import { HearthError } from '@hearth/engine';

/**
 * Thrown by `checkModelSetFits` when the estimated memory of a model set (weights + KV cache for the
 * requested context + compute buffers) exceeds this machine's total memory, so loading would swap
 * to a crawl or be killed. The message gives the estimate and what to try (a smaller quantisation,
 * a shorter context, dropping the mmproj). Code `MODEL_MEMORY`.
 */
export class ModelMemoryError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MODEL_MEMORY'] as const;
  readonly requiredBytes: number;
  readonly totalMemoryBytes: number;

  constructor(message: string, requiredBytes: number, totalMemoryBytes: number) {
    super('MODEL_MEMORY', message);
    this.requiredBytes = requiredBytes;
    this.totalMemoryBytes = totalMemoryBytes;
  }
}
