const MODEL_SET_MISMATCH_ERROR = Symbol.for('@hearth/model/ModelSetMismatchError');

/** The role of a file in a model set. */
export type ModelFileRole = 'target' | 'drafter' | 'mmproj';

/**
 * Thrown by `validateModelSet` when a drafter or mmproj does not belong to its target (different
 * hidden size, vocabulary or attention shape) or has the wrong architecture for its role. llama.cpp
 * would crash or produce garbage on such a pair, so the set is refused before any native load.
 * `exitCode` 3 makes the CLI report a model failure.
 */
export class ModelSetMismatchError extends Error {
  override readonly name = 'ModelSetMismatchError';
  readonly filePath: string;
  readonly role: ModelFileRole;
  /** The metadata key (or property) that disagrees. */
  readonly key: string;
  readonly expected: string | number;
  readonly actual: string | number | undefined;
  readonly exitCode = 3;
  readonly [MODEL_SET_MISMATCH_ERROR] = true;

  constructor(details: {
    filePath: string;
    role: ModelFileRole;
    key: string;
    expected: string | number;
    actual: string | number | undefined;
    message: string;
  }) {
    super(details.message);
    this.filePath = details.filePath;
    this.role = details.role;
    this.key = details.key;
    this.expected = details.expected;
    this.actual = details.actual;
  }

  /** True for a ModelSetMismatchError, even one from another copy of this package. */
  static isInstance(value: unknown): value is ModelSetMismatchError {
    return typeof value === 'object' && value !== null && MODEL_SET_MISMATCH_ERROR in value;
  }
}
