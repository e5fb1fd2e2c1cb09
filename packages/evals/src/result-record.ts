import type { GenerateRequest } from '@hearth/engine';

/** One line of results.jsonl: one case, answered once by one model. */
export interface ResultRecord {
  suite: string;
  id: string;
  category: string;
  model: string;
  trial: number;
  engine: string;
  input: { messages: GenerateRequest['messages']; tools: string[] };
  /** The model's reply (a multi-step case: its text replies to the user, joined, and every tool call it made). */
  output: {
    text: string;
    reasoning?: string;
    toolCalls: Array<{ name: string; args: Record<string, unknown> }>;
  };
  calls: Array<{ name: string; args: Record<string, unknown> }>;
  /** Model turns taken (1 for a single-turn case). */
  steps: number;
  /**
   * A multi-step case's conversation after the system prompt (tool results included, media bytes
   * replaced by their size) and why it ended.
   */
  episode?: { transcript: GenerateRequest['messages']; stopReason: 'replied' | 'max-steps' };
  correct: boolean;
  reason: string;
  errorType?: string;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** Decode speed of this answer (0 when the engine reports none). */
  tokensPerSecond: number;
  mtp: { drafted: number; accepted: number } | null;
  /**
   * Peak resident memory of the process holding the model (the model host child), in bytes, read after
   * this case: the high-water mark since the model loaded. Null when the engine does not say (a server,
   * the reference models).
   */
  hostPeakRssBytes?: number | null;
  /**
   * Why the case does not apply to this model (it needs image or audio input the model lacks): such a
   * record is not scored and the report shows n/a.
   */
  notApplicable?: string;
  /** Set when the engine failed on this case: the case counts as wrong. */
  error?: string;
}
