import type { ShortAnswer } from '../short-answer/short-answer.js';
import type { EvalCase } from '../suite.js';
import type { ToolCallingCase } from '../tool-calling/bfcl-types.js';

/**
 * A spoken case in one of its two forms: `audio` (the model hears espeak-ng saying the words) or
 * `transcript` (the same words as text, which every model can take). Its category is
 * `<variant>/<kind>`, e.g. `audio/arithmetic`, so the report shows the two forms side by side.
 */
export interface SpokenCase extends EvalCase {
  variant: 'audio' | 'transcript';
  /** The words spoken (and, in the transcript form, written). */
  say: string;
  /** The WAV of `say` (audio form only). */
  audio?: string;
  /** Reference text given in the system prompt (a directory to look things up in). */
  context?: string;
  /** A question answered with a number or a few words. */
  shortAnswer?: ShortAnswer;
  /** A command answered with a tool call, checked by the tool-calling suite's BFCL checker. */
  toolCall?: ToolCallingCase;
}
