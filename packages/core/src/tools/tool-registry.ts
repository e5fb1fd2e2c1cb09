import type { z } from 'zod';
import { DuplicateToolError } from '../errors/duplicate-tool-error.js';
import { ToolInputError } from '../errors/tool-input-error.js';
import { ToolNotFoundError } from '../errors/tool-not-found-error.js';
import { ToolTimeoutError } from '../errors/tool-timeout-error.js';
import { normalizeToolOutput } from './define-tool.js';
import type { ToolDefinition, ToolResult, ToolRunContext } from './tool-types.js';

export interface ToolCallOptions {
  /** Aborts the call (the tool's `run` sees it as `context.signal`). */
  signal?: AbortSignal;
  onProgress?: (progress: number, total?: number, message?: string) => void;
  onLog?: ToolRunContext['log'];
  /** Decides approval pauses inside the call (see `ToolRunContext.approver`). */
  approver?: ToolRunContext['approver'];
  /** Who called, when it can be asked mid-call (see `ToolRunContext.caller`). */
  caller?: ToolRunContext['caller'];
  /** Overrides the tool's own `timeoutMs` and the registry default. */
  timeoutMs?: number;
  /** The call's stable key in its run (see `ToolRunContext.idempotencyKey`). */
  idempotencyKey?: string;
}

export interface ToolRegistryOptions {
  /** Time limit for tools that declare none (default 120 s). */
  defaultTimeoutMs?: number;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
    .join('; ');
}

/**
 * The tools one agent or one MCP server can use. `call` validates arguments against the tool's schema,
 * enforces its time limit, wires cancellation and progress, and always returns a `ToolResult`
 * (the tool's own failures come back as `isError` results; unknown tools and bad arguments throw).
 */
export class ToolRegistry {
  readonly #tools = new Map<string, ToolDefinition>();
  readonly #defaultTimeoutMs: number;

  constructor(tools: Iterable<ToolDefinition> = [], options: ToolRegistryOptions = {}) {
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000;
    for (const tool of tools) this.register(tool);
  }

  /** Adds a tool; throws `DuplicateToolError` when the name is taken. */
  register(tool: ToolDefinition): this {
    if (this.#tools.has(tool.name))
      throw new DuplicateToolError(
        `A tool named "${tool.name}" is already registered; tool names must be unique.`,
      );
    this.#tools.set(tool.name, tool);
    return this;
  }

  /** Removes a tool by name; returns whether it was there. */
  unregister(name: string): boolean {
    return this.#tools.delete(name);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** The tool with this name; throws `ToolNotFoundError` (listing the known names) when there is none. */
  get(name: string): ToolDefinition {
    const tool = this.#tools.get(name);
    if (!tool)
      throw new ToolNotFoundError(
        `Unknown tool "${name}". Known tools: ${[...this.#tools.keys()].sort().join(', ') || '(none)'}.`,
      );
    return tool;
  }

  list(): ToolDefinition[] {
    return [...this.#tools.values()];
  }

  /**
   * Runs a tool. Throws `ToolNotFoundError`, `ToolInputError` (bad arguments), `ToolTimeoutError`, or the
   * abort reason when `signal` fires; an exception inside the tool becomes an `isError` result.
   */
  async call(name: string, args: unknown, options: ToolCallOptions = {}): Promise<ToolResult> {
    const tool = this.get(name);
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success)
      throw new ToolInputError(`Invalid arguments for tool "${name}": ${describeIssues(parsed.error)}`);
    options.signal?.throwIfAborted();

    const timeoutMs = options.timeoutMs ?? tool.timeoutMs ?? this.#defaultTimeoutMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ToolTimeoutError(`Tool "${name}" did not finish within ${timeoutMs} ms.`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    const context: ToolRunContext = {
      signal: controller.signal,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
      reportProgress: (progress, total, message) => options.onProgress?.(progress, total, message),
      log: (level, message) => options.onLog?.(level, message),
      ...(options.approver ? { approver: options.approver } : {}),
      ...(options.caller ? { caller: options.caller } : {}),
    };
    try {
      const output = await Promise.race([
        new Promise((resolve) => resolve(tool.run(parsed.data, context))),
        timedOut,
        aborted,
      ]);
      const result = normalizeToolOutput(output);
      if (tool.output && result.structuredContent !== undefined && !result.isError) {
        const checked = tool.output.safeParse(result.structuredContent);
        if (!checked.success)
          return errorResult(
            `Tool "${name}" returned output that does not match its output schema: ${describeIssues(checked.error)}`,
          );
      }
      return result;
    } catch (error) {
      if (controller.signal.aborted && error === controller.signal.reason) throw error;
      return errorResult(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // The race losers must not surface as unhandled rejections.
      timedOut.catch(() => {});
      aborted.catch(() => {});
    }
  }
}

/** A failed tool result with one text message (what the model and MCP clients see). */
export function errorResult(message: string): ToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
