const MODEL_MEMORY_ERROR = Symbol.for('@hearth/model/ModelMemoryError');

/**
 * Thrown by `checkModelSetFits` when the estimated memory of a model set (weights + KV cache for the
 * requested context + compute buffers) exceeds this machine's total memory, so loading would swap
 * to a crawl or be killed. The message gives the estimate and what to try (a smaller quantisation,
 * a shorter context, dropping the mmproj). `exitCode` 3 makes the CLI report a model failure.
 */
export class ModelMemoryError extends Error {
  override readonly name = 'ModelMemoryError';
  readonly requiredBytes: number;
  readonly totalMemoryBytes: number;
  readonly exitCode = 3;
  readonly [MODEL_MEMORY_ERROR] = true;

  constructor(message: string, requiredBytes: number, totalMemoryBytes: number) {
    super(message);
    this.requiredBytes = requiredBytes;
    this.totalMemoryBytes = totalMemoryBytes;
  }

  /** True for a ModelMemoryError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ModelMemoryError {
    return typeof value === 'object' && value !== null && MODEL_MEMORY_ERROR in value;
  }
}
