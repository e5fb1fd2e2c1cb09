const marker = Symbol.for('hearth.planner.PlannerInputError');

/**
 * Thrown when a run is given bad input: an input that fails the workflow's schema, an unreadable or
 * unknown media file, an unknown thread id on resume, or an approval decision for a run that is not
 * waiting for one. The message says what was wrong and what to pass instead.
 */
export class PlannerInputError extends Error {
  override readonly name = 'PlannerInputError';
  readonly [marker] = true;
  /** CLI exit code for bad usage. */
  readonly exitCode = 2;

  static isInstance(value: unknown): value is PlannerInputError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
