const marker = Symbol.for('hearth.planner.WorkflowDefinitionError');

/**
 * Thrown by `defineAgent`, `defineWorkflow` and `definePlanner` when a definition cannot work: an edge
 * to a node that does not exist, a node with no kind, a tool node naming a tool the workflow does not
 * have, duplicate tool names. Thrown at definition time, before anything runs.
 */
export class WorkflowDefinitionError extends Error {
  override readonly name = 'WorkflowDefinitionError';
  readonly [marker] = true;

  static isInstance(value: unknown): value is WorkflowDefinitionError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
