/**
 * The contract every Hearth engine implements (`llama-node`, `node-llama-cpp`, `openai`).
 * Everything above the model package (MCP bridge, planner, CLI, evals) talks to this and nothing else.
 */

/** JSON Schema, as plain data. */
export type JsonSchema = Record<string, unknown>;

/**
 * Media given to the model: a file path, a `data:` URL, or raw bytes (then `mimeType` says what they are).
 * Engines decode it themselves; callers never describe media as text.
 */
export type MediaInput = string | Uint8Array;

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaInput; mimeType?: string }
  | { type: 'audio'; audio: MediaInput; mimeType?: string };

export interface ToolCall {
  /** Stable id that the matching `tool` message refers to. */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export type Message =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string; reasoning?: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string | ContentPart[] };

/** A tool as the model sees it: name, description and a JSON Schema for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface SamplingOptions {
  /** Deterministic decoding: temperature 0, top-k 1, every stochastic sampler off. */
  greedy?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  seed?: number;
}

export interface GenerateRequest {
  messages: Message[];
  tools?: ToolSpec[];
  /**
   * `auto` (default) lets the model choose; `none` hides the tools; `required` forces a call of one
   * of them; `{name}` forces a call of that tool (the model still sees them all). Local engines
   * enforce a forced call with a grammar, so its arguments always match the tool's schema.
   */
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  /** Constrain the reply to JSON matching this schema. */
  responseFormat?: { type: 'json_schema'; schema: JsonSchema; name?: string };
  /** Gemma 4 thinking; reasoning comes back in `GenerateResult.reasoning`, never mixed into `text`. */
  thinking?: boolean;
  maxTokens?: number;
  stop?: string[];
  sampling?: SamplingOptions;
  /** Options for features only some engines have (MTP, ...), keyed by engine name. */
  engineOptions?: EngineRequestOptions;
  signal?: AbortSignal;
}

/**
 * Per-engine request options, keyed by engine name, for features the shared contract does not name
 * (as the AI SDK's `providerOptions`): each engine reads its own entry and ignores the others, so one
 * request can carry options for several engines. An engine package types its entry by declaration
 * merging, e.g. `@hearth/model` adds `'llama-node'?: {mtp?: boolean}`.
 */
export interface EngineRequestOptions {
  [engine: string]: object | undefined;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the KV cache (prefix reuse), when the engine knows. */
  cachedPromptTokens?: number;
}

export interface Timings {
  prefillMs: number;
  decodeMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
}

export type MtpStats =
  | { used: true; drafted: number; accepted: number; acceptanceRate: number }
  /** A drafter is configured but this turn decoded without it (for example: the turn carries media). */
  | { used: false; reason: string };

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'abort';

export interface GenerateResult {
  text: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  timings: Timings;
  /** `null` when no drafter is configured. */
  mtp: MtpStats | null;
  /** The model that answered (preset name or file name). */
  model: string;
}

export type GenerateDelta =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'done'; result: GenerateResult };

export interface EngineCapabilities {
  image: boolean;
  audio: boolean;
  tools: boolean;
  jsonSchema: boolean;
  thinking: boolean;
  mtp: boolean;
}

export interface EngineInfo {
  /** `llama-node`, `node-llama-cpp` or `openai`. */
  engine: string;
  model: string;
  contextSize: number;
  capabilities: EngineCapabilities;
}

export interface Engine {
  readonly info: EngineInfo;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Deltas as they are decoded; the last one is always `done` with the full result. */
  stream(request: GenerateRequest): AsyncIterable<GenerateDelta>;
  close(): Promise<void>;
}
