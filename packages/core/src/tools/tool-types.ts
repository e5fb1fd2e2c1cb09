import type { z } from 'zod';
import type { Approver, DeclaredEffects } from '../approvals/approval-types.js';

/**
 * What a tool returns to its caller. Media is its bytes and MIME type from the tool to the model:
 * inside Hearth it goes back into the model as image/audio message parts (a screenshot is seen, not
 * described); only the MCP transport encodes it as base64, on the wire.
 */
export type ToolResultContent =
  | { type: 'text'; text: string }
  | { type: 'image'; bytes: Uint8Array; mimeType: string }
  | { type: 'audio'; bytes: Uint8Array; mimeType: string }
  /** An embedded resource (remote MCP servers send these); `text`, or binary `bytes`. */
  | { type: 'resource'; resource: { uri: string; mimeType?: string; text?: string; bytes?: Uint8Array } };

export interface ToolResult {
  content: ToolResultContent[];
  /** Machine-readable result, checked against `output` when the tool declares one. */
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface ToolRunContext {
  signal: AbortSignal;
  /**
   * The call's stable key inside a run (thread, step, call): the same call gets the same key when a
   * run is re-delivered after a crash or resumed. Queued runs record each result under it and reuse
   * it, but a crash can fall between a tool's side effect and that record, so a tool with an external
   * side effect (a payment, an email, an HTTP POST) should pass the key on to the system it changes
   * (an `Idempotency-Key` header) or store it with its effect and skip the effect when it sees the key
   * again. Absent when the tool is called outside a run (an MCP client, `ToolRegistry.call`).
   */
  idempotencyKey?: string;
  /** Progress for long tools; MCP clients see it as progress notifications. */
  reportProgress(progress: number, total?: number, message?: string): void;
  /** Log lines for the caller; MCP clients see them as `notifications/message` (when they asked for logs). */
  log?(level: 'debug' | 'info' | 'warning' | 'error', message: string): void;
  /**
   * Decides the approval pauses inside this call (a served agent or workflow that wants to write):
   * over MCP it asks the client. Without one, a paused run ends the call with an error result.
   */
  approver?: Approver;
  /**
   * The program that called this tool, when it can be asked something mid-call (an MCP client that
   * declared elicitation or sampling). Absent inside an agent run and for clients that cannot be asked.
   */
  caller?: ToolCaller;
}

/** What a tool may ask its caller mid-call; each method is present only when the caller offers it. */
export interface ToolCaller {
  /** Asks the person behind the caller to fill a form (MCP elicitation); flat JSON Schema of the fields. */
  elicit?(request: {
    message: string;
    requestedSchema: Record<string, unknown>;
  }): Promise<{ action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }>;
  /** Asks the caller's model for one reply (MCP sampling): text messages in, text out. */
  sample?(request: {
    messages: { role: 'user' | 'assistant'; text: string }[];
    maxTokens: number;
    systemPrompt?: string;
  }): Promise<{ text: string; model: string }>;
}

export interface ToolDefinition<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: Input;
  output?: Output;
  /** The run pauses for a human's approval before this tool runs (shell, fs writes). */
  requiresApproval?: boolean;
  /**
   * What the tool can do outside itself (reads files, writes, runs programs, reaches the network).
   * MCP annotations and the approval gate come from it; a tool that writes or runs needs approval.
   * Unset: only what `requiresApproval` implies, and the tool is not advertised as read-only.
   */
  effects?: DeclaredEffects;
  /** Per-call time limit in milliseconds. */
  timeoutMs?: number;
  /**
   * The exact JSON Schema to advertise for `input`, when it did not come from zod (remote MCP tools,
   * LangChain tools). Without it the schema is `z.toJSONSchema(input)`.
   */
  inputJsonSchema?: Record<string, unknown>;
  /** Return a string, a JSON value, or a full `ToolResult` (for images and audio). */
  run(input: z.infer<Input>, context: ToolRunContext): Promise<unknown> | unknown;
}
