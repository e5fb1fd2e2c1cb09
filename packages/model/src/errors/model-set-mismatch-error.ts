import { HearthError } from '@hearth/engine';

/** The role of a file in a model set. */
export type ModelFileRole = 'target' | 'drafter' | 'mmproj';

/**
 * Thrown by `validateModelSet` when a drafter or mmproj does not belong to its target (different
 * hidden size, vocabulary or attention shape) or has the wrong architecture for its role. llama.cpp
 * would crash or produce garbage on such a pair, so the set is refused before any native load.
 * Code `MODEL_SET_MISMATCH`.
 */
export class ModelSetMismatchError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['MODEL_SET_MISMATCH'] as const;
  readonly filePath: string;
  readonly role: ModelFileRole;
  /** The metadata key (or property) that disagrees. */
  readonly key: string;
  readonly expected: string | number;
  readonly actual: string | number | undefined;

  constructor(details: {
    filePath: string;
    role: ModelFileRole;
    key: string;
    expected: string | number;
    actual: string | number | undefined;
    message: string;
  }) {
    super('MODEL_SET_MISMATCH', details.message);
    this.filePath = details.filePath;
    this.role = details.role;
    this.key = details.key;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}
