import { HearthError } from '@hearth/engine';

/**
 * Thrown by `defineAgent`, `defineWorkflow` and `definePlanner` when a definition cannot work: an edge
 * to a node that does not exist, a node with no kind, a tool node naming a tool the workflow does not
 * have, duplicate tool names. Thrown at definition time, before anything runs. Code
 * `WORKFLOW_DEFINITION`.
 */
export class WorkflowDefinitionError extends HearthError {
  /** Every `code` this class is thrown with. */
  static readonly codes = ['WORKFLOW_DEFINITION'] as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKFLOW_DEFINITION', message, options);
  }
}
