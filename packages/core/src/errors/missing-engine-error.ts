import { HearthError } from '@hearth/engine';

/**
 * Thrown when a node that needs the model (an agent, the planner) runs but the run was started
 * without an `engine` in its options. Pass `{ engine }` to `run`/`stream`/`resume`. Code
 * `ENGINE_MISSING`.
 */
export class MissingEngineError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['ENGINE_MISSING'] as const;

  constructor(
    /** The node that needed the model. */
    readonly node: string,
  ) {
    super(
      'ENGINE_MISSING',
      `node "${node}" needs a model, but the run has no engine: pass { engine } in the run options`,
    );
  }
}
