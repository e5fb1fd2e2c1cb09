const marker = Symbol.for('hearth.planner.MissingEngineError');

/**
 * Thrown when a node that needs the model (an agent, the planner) runs but the run was started
 * without an `engine` in its options. Pass `{ engine }` to `run`/`stream`/`resume`.
 */
export class MissingEngineError extends Error {
  override readonly name = 'MissingEngineError';
  readonly [marker] = true;

  constructor(node: string) {
    super(`node "${node}" needs a model, but the run has no engine: pass { engine } in the run options`);
  }

  static isInstance(value: unknown): value is MissingEngineError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
