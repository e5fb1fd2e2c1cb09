const marker = Symbol.for('hearth.planner.ToolTimeoutError');

/**
 * Raised when a tool call runs past its time limit (the tool's `timeoutMs`, else the agent's
 * `toolTimeoutMs`). Inside an agent it is not thrown to the caller: its message goes back to the model
 * as the tool's result so the model can try something else.
 */
export class ToolTimeoutError extends Error {
  override readonly name = 'ToolTimeoutError';
  readonly [marker] = true;

  constructor(
    readonly tool: string,
    readonly timeoutMs: number,
  ) {
    super(`tool "${tool}" did not finish within ${timeoutMs} ms and was cancelled`);
  }

  static isInstance(value: unknown): value is ToolTimeoutError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
