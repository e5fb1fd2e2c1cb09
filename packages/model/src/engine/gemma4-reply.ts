import type { GenerateDelta, ToolCall } from '@hearth/engine';
import {
  Gemma4OutputSplitter,
  parseGemma4ToolCall,
  settledReplyLength,
  stripTrailingEndMarker,
} from './llama-node/gemma4-output.js';

/**
 * Turns the raw text a Gemma 4 model decodes into Hearth's reply, for every engine that formats the
 * prompt with Gemma's template and reads the raw output itself (`llama-node`, `native`):
 * answer text (trimmed, streamed so that the deltas add up to it), reasoning, tool calls in Gemma's
 * own syntax, JSON under a response schema (streamed token by token as well), and the forced tool
 * call of `toolChoice: 'required'` or a named tool.
 */
export class Gemma4ReplyReader {
  private readonly splitter: Gemma4OutputSplitter;
  private readonly toolCallSources: string[] = [];
  private text = '';
  private reasoning = '';
  private json = '';
  /** How much of the JSON reply went out as text deltas. */
  private streamedJson = 0;
  /** Trailing whitespace held back until more text follows (the answer is trimmed). */
  private heldWhitespace = '';
  private readonly toolCalls: ToolCall[] = [];

  /**
   * @param mode `text` (free text, reasoning and Gemma tool calls), `json` (a reply under a response
   * schema) or `forced-tool-call` (JSON under `forcedToolCallSchema`, read back as a call).
   */
  constructor(
    private readonly mode: 'text' | 'json' | 'forced-tool-call',
    stop: readonly string[],
    private readonly onDelta: (delta: GenerateDelta) => void,
  ) {
    this.splitter = new Gemma4OutputSplitter(stop);
  }

  /** True once a caller's stop sequence ended the answer text. */
  get hitStopSequence(): boolean {
    return this.splitter.hitStopSequence;
  }

  /** Raw decoded text, as it arrives. */
  push(token: string): void {
    if (this.mode === 'text') this.take(this.splitter.push(token));
    else {
      this.json += token;
      if (this.mode === 'json') this.streamJson();
    }
  }

  /**
   * Sends the settled part of a JSON reply as it decodes, so the deltas add up to the final text:
   * leading whitespace is dropped, and trailing whitespace and end markers are held back. A reply
   * that opens a Markdown fence (a template grammar's, stripped at the end) is sent whole at the end.
   */
  private streamJson(): void {
    const body = this.json.trimStart();
    if (body.startsWith('`')) return;
    const settled = settledReplyLength(body);
    if (settled <= this.streamedJson) return;
    this.onDelta({ type: 'text', text: body.slice(this.streamedJson, settled) });
    this.streamedJson = settled;
  }

  /** Flushes what is held back and reads the tool calls; call once, after the last token. */
  finish(): { text: string; reasoning?: string; toolCalls: ToolCall[] } {
    this.take(this.splitter.finish());
    for (const source of this.toolCallSources) {
      try {
        this.addCall(parseGemma4ToolCall(source));
      } catch {
        // A malformed call (small models make them) stays visible as text rather than vanishing.
        const raw = `${this.text ? this.heldWhitespace : ''}<|tool_call>${source}`.trimEnd();
        this.text += raw;
        this.onDelta({ type: 'text', text: raw });
      }
    }
    if (this.mode !== 'text') {
      this.text = stripJsonFence(stripTrailingEndMarker(this.json.trim()));
      const forced = this.mode === 'forced-tool-call' ? parseForcedToolCall(this.text) : undefined;
      if (forced) {
        this.addCall(forced);
        this.text = '';
      } else {
        // What streamed is a prefix of the final text unless a fence was stripped (then nothing streamed).
        const rest = this.text.slice(this.streamedJson);
        if (rest) this.onDelta({ type: 'text', text: rest });
      }
    }
    const reasoning = this.reasoning.trim();
    return { text: this.text, ...(reasoning ? { reasoning } : {}), toolCalls: this.toolCalls };
  }

  private addCall(call: { name: string; args: Record<string, unknown> }): void {
    const toolCall: ToolCall = { id: `call_${this.toolCalls.length}`, ...call };
    this.toolCalls.push(toolCall);
    this.onDelta({ type: 'tool-call', toolCall });
  }

  private take(pieces: ReturnType<Gemma4OutputSplitter['push']>): void {
    for (const piece of pieces) {
      if (piece.type === 'text') {
        const body = (this.heldWhitespace + piece.text).trimEnd();
        const chunk = this.text ? body : body.trimStart();
        this.heldWhitespace = (this.heldWhitespace + piece.text).slice(body.length);
        if (!chunk) continue;
        this.text += chunk;
        this.onDelta({ type: 'text', text: chunk });
      } else if (piece.type === 'reasoning') {
        this.reasoning += piece.text;
        this.onDelta({ type: 'reasoning', text: piece.text });
      } else {
        this.toolCallSources.push(piece.source);
      }
    }
  }
}

/** Reads a forced tool call; `undefined` when the reply was cut off before the JSON was complete. */
function parseForcedToolCall(text: string): { name: string; args: Record<string, unknown> } | undefined {
  try {
    const value = JSON.parse(text) as { name?: unknown; arguments?: unknown };
    if (typeof value.name !== 'string' || typeof value.arguments !== 'object' || value.arguments === null)
      return undefined;
    return { name: value.name, args: value.arguments as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** The reply of a JSON-schema request, without the Markdown fence a template grammar may add. */
function stripJsonFence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return match?.[1] ?? text.trim();
}
