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
  output: {
    text: string;
    reasoning?: string;
    toolCalls: Array<{ name: string; args: Record<string, unknown> }>;
  };
  calls: Array<{ name: string; args: Record<string, unknown> }>;
  correct: boolean;
  reason: string;
  errorType?: string;
  latencyMs: number;
  promptTokens: number;
  completionTokens: number;
  /** Decode speed of this answer (0 when the engine reports none). */
  tokensPerSecond: number;
  mtp: { drafted: number; accepted: number } | null;
  /** Set when the engine failed on this case: the case counts as wrong. */
  error?: string;
}
