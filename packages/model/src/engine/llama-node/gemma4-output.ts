import type { ToolCall } from '@hearth/engine';

/**
 * Gemma 4's output format, split as it streams in:
 * - `<|channel>thought\n ... <channel|>`: reasoning (the chat template also appends an empty one to
 *   the generation prompt when thinking is off, and the model may still open one);
 * - `<|tool_call>call:name{key:<|"|>text<|"|>,n:1}<tool_call|>`: a tool call in Gemma's own syntax
 *   (keys bare, strings quoted with `<|"|>`, numbers/booleans/null bare, `{}` objects, `[]` lists);
 * - everything else: the answer text.
 * llama.node's own chat parser keeps the generation prompt's empty thought channel in `content`, so
 * Hearth splits the raw text itself.
 */

const CHANNEL_OPEN = '<|channel>';
const CHANNEL_CLOSE = '<channel|>';
const TOOL_CALL_OPEN = '<|tool_call>';
const TOOL_CALL_CLOSE = '<tool_call|>';
const QUOTE = '<|"|>';
/** Markers that end a turn; they may leak into text when generation stops on them. */
const END_MARKERS = ['<turn|>', '<eos>', '<|tool_response>'];

export type Gemma4Piece =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call'; source: string };

type Mode = 'text' | 'reasoning' | 'tool-call';

const OPENERS: ReadonlyArray<readonly [string, Mode]> = [
  [CHANNEL_OPEN, 'reasoning'],
  [TOOL_CALL_OPEN, 'tool-call'],
];

/** Length of the longest suffix of `text` that is a proper prefix of one of `markers`. */
function partialMarkerLength(text: string, markers: readonly string[]): number {
  let longest = 0;
  for (const marker of markers) {
    for (let n = Math.min(marker.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(marker.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/**
 * Incremental splitter: `push` raw decoded text as it arrives and get back the pieces that are
 * certain so far (a marker cut between two tokens is held back until it is complete); `finish`
 * flushes the rest. Text pieces stop at the first stop sequence, which is removed.
 */
export class Gemma4OutputSplitter {
  private mode: Mode = 'text';
  private pending = '';
  private channelNameSeen = false;
  private stopped = false;

  constructor(private readonly stopSequences: readonly string[] = []) {}

  /** True once a stop sequence was found in the answer text. */
  get hitStopSequence(): boolean {
    return this.stopped;
  }

  push(chunk: string): Gemma4Piece[] {
    if (this.stopped) return [];
    this.pending += chunk;
    return this.drain(false);
  }

  finish(): Gemma4Piece[] {
    if (this.stopped) return [];
    return this.drain(true);
  }

  private drain(final: boolean): Gemma4Piece[] {
    const pieces: Gemma4Piece[] = [];
    const emit = (piece: Gemma4Piece) => {
      const last = pieces.at(-1);
      if (piece.type !== 'tool-call' && last && last.type === piece.type) last.text += piece.text;
      else if (piece.type === 'tool-call' || piece.text.length > 0) pieces.push(piece);
    };
    for (;;) {
      if (this.mode === 'text') {
        const markers = [...OPENERS.map(([marker]) => marker), ...END_MARKERS];
        let at = -1;
        let marker = '';
        for (const candidate of markers) {
          const index = this.pending.indexOf(candidate);
          if (index >= 0 && (at < 0 || index < at)) {
            at = index;
            marker = candidate;
          }
        }
        const safeEnd =
          at >= 0
            ? at
            : final
              ? this.pending.length
              : this.pending.length - partialMarkerLength(this.pending, markers);
        const text = this.cutAtStop(this.pending.slice(0, safeEnd), final || at >= 0);
        if (text.stop) {
          emit({ type: 'text', text: text.kept });
          this.pending = '';
          this.stopped = true;
          return pieces;
        }
        emit({ type: 'text', text: text.kept });
        this.pending = text.held + this.pending.slice(safeEnd);
        if (at < 0) return pieces;
        this.pending = this.pending.slice(text.held.length + marker.length);
        if (END_MARKERS.includes(marker)) continue;
        this.mode = OPENERS.find(([open]) => open === marker)?.[1] ?? 'text';
        this.channelNameSeen = false;
        continue;
      }
      const close = this.mode === 'reasoning' ? CHANNEL_CLOSE : TOOL_CALL_CLOSE;
      if (this.mode === 'reasoning' && !this.channelNameSeen) {
        // `<|channel>thought\n`: the channel name is not part of the reasoning.
        const newline = this.pending.indexOf('\n');
        const closeAt = this.pending.indexOf(close);
        if (newline < 0 && closeAt < 0 && !final) return pieces;
        const nameEnd =
          newline >= 0 && (closeAt < 0 || newline < closeAt) ? newline + 1 : Math.max(closeAt, 0);
        this.pending = this.pending.slice(
          final && newline < 0 && closeAt < 0 ? this.pending.length : nameEnd,
        );
        this.channelNameSeen = true;
      }
      const at = this.pending.indexOf(close);
      if (at < 0) {
        if (this.mode === 'reasoning') {
          const keep = final ? 0 : partialMarkerLength(this.pending, [close]);
          emit({ type: 'reasoning', text: this.pending.slice(0, this.pending.length - keep) });
          this.pending = this.pending.slice(this.pending.length - keep);
        } else if (final && this.pending.trim()) {
          // A tool call cut off by the token limit: report what there is, the parser decides.
          emit({ type: 'tool-call', source: this.pending });
          this.pending = '';
        }
        return pieces;
      }
      const body = this.pending.slice(0, at);
      if (this.mode === 'reasoning') emit({ type: 'reasoning', text: body });
      else emit({ type: 'tool-call', source: body });
      this.pending = this.pending.slice(at + close.length);
      this.mode = 'text';
    }
  }

  /** Splits text at the first stop sequence; without one, holds back a possible stop-sequence start. */
  private cutAtStop(text: string, complete: boolean): { kept: string; held: string; stop: boolean } {
    if (this.stopSequences.length === 0) return { kept: text, held: '', stop: false };
    let at = -1;
    for (const stop of this.stopSequences) {
      const index = text.indexOf(stop);
      if (index >= 0 && (at < 0 || index < at)) at = index;
    }
    if (at >= 0) return { kept: text.slice(0, at), held: '', stop: true };
    const held = complete ? 0 : partialMarkerLength(text, this.stopSequences);
    return { kept: text.slice(0, text.length - held), held: text.slice(text.length - held), stop: false };
  }
}

/** Splits a whole output at once (what the streaming splitter yields, joined). */
export function splitGemma4Output(
  raw: string,
  stopSequences: readonly string[] = [],
): { text: string; reasoning: string; toolCallSources: string[] } {
  const splitter = new Gemma4OutputSplitter(stopSequences);
  const pieces = [...splitter.push(raw), ...splitter.finish()];
  let text = '';
  let reasoning = '';
  const toolCallSources: string[] = [];
  for (const piece of pieces) {
    if (piece.type === 'text') text += piece.text;
    else if (piece.type === 'reasoning') reasoning += piece.text;
    else toolCallSources.push(piece.source);
  }
  return { text, reasoning, toolCallSources };
}

/** Reads one Gemma 4 tool-call value at a time; errors name the position. */
class Gemma4ValueReader {
  private at = 0;

  constructor(private readonly source: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} at offset ${this.at} of Gemma 4 tool call "${this.source}"`);
  }

  private skipSpace(): void {
    while (this.at < this.source.length && /\s/.test(this.source[this.at] ?? '')) this.at++;
  }

  private startsWith(text: string): boolean {
    return this.source.startsWith(text, this.at);
  }

  expect(text: string): void {
    this.skipSpace();
    if (!this.startsWith(text)) this.fail(`expected "${text}"`);
    this.at += text.length;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.at >= this.source.length;
  }

  /** A bare name: a function name or an object key. */
  name(): string {
    this.skipSpace();
    if (this.startsWith(QUOTE)) return this.quoted();
    if (this.source[this.at] === '"') return this.jsonString();
    const match = /^[^\s{}[\]:,]+/.exec(this.source.slice(this.at));
    if (!match) this.fail('expected a name');
    this.at += match[0].length;
    return match[0];
  }

  private quoted(): string {
    this.at += QUOTE.length;
    const end = this.source.indexOf(QUOTE, this.at);
    if (end < 0) this.fail('unterminated <|"|> string');
    const text = this.source.slice(this.at, end);
    this.at = end + QUOTE.length;
    return text;
  }

  private jsonString(): string {
    const match = /^"(?:[^"\\]|\\.)*"/.exec(this.source.slice(this.at));
    if (!match) this.fail('unterminated string');
    this.at += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  object(): Record<string, unknown> {
    this.expect('{');
    const result: Record<string, unknown> = {};
    this.skipSpace();
    if (this.startsWith('}')) {
      this.at++;
      return result;
    }
    for (;;) {
      const key = this.name();
      this.expect(':');
      result[key] = this.value();
      this.skipSpace();
      if (this.startsWith(',')) {
        this.at++;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private list(): unknown[] {
    this.expect('[');
    const result: unknown[] = [];
    this.skipSpace();
    if (this.startsWith(']')) {
      this.at++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      if (this.startsWith(',')) {
        this.at++;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  value(): unknown {
    this.skipSpace();
    if (this.startsWith(QUOTE)) return this.quoted();
    if (this.startsWith('"')) return this.jsonString();
    if (this.startsWith('{')) return this.object();
    if (this.startsWith('[')) return this.list();
    const match = /^[^\s{}[\],]+/.exec(this.source.slice(this.at));
    if (!match) this.fail('expected a value');
    this.at += match[0].length;
    const word = match[0];
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const number = Number(word);
    return Number.isFinite(number) ? number : word;
  }
}

/**
 * Parses the body of one Gemma 4 tool call (`call:name{...}`, the text between `<|tool_call>` and
 * `<tool_call|>`) into a name and arguments. JSON arguments (`call:name{"a":1}`) are accepted too,
 * since llama.cpp's grammar-forced route and some fine-tunes emit them.
 *
 * @throws SyntaxError naming the offset when the text is not a tool call.
 */
export function parseGemma4ToolCall(source: string): { name: string; args: Record<string, unknown> } {
  const reader = new Gemma4ValueReader(source.trim());
  reader.expect('call:');
  const name = reader.name();
  const args = reader.atEnd() ? {} : reader.object();
  if (!reader.atEnd()) reader.fail('unexpected text after the arguments');
  return { name, args };
}

/** Parses every tool-call body; ids are `call_<n>` in order, stable within one reply. */
export function parseGemma4ToolCalls(sources: readonly string[]): ToolCall[] {
  return sources.map((source, index) => ({ id: `call_${index}`, ...parseGemma4ToolCall(source) }));
}

/**
 * How much of a raw reply that is still streaming is settled: the text before its trailing
 * whitespace, the turn-ending markers that close it and the start of one that may be forming. What
 * {@link stripTrailingEndMarker} will keep of the finished reply begins with this much of it.
 */
export function settledReplyLength(text: string): number {
  let rest = text.slice(0, text.length - partialMarkerLength(text, END_MARKERS));
  for (;;) {
    rest = rest.trimEnd();
    const marker = END_MARKERS.find((end) => rest.endsWith(end));
    if (!marker) return rest.length;
    rest = rest.slice(0, -marker.length);
  }
}

/** Removes the turn-ending markers that close a raw reply (generation stops on them, and they stream). */
export function stripTrailingEndMarker(text: string): string {
  let rest = text;
  for (let marker = END_MARKERS.find((end) => rest.endsWith(end)); marker; ) {
    rest = rest.slice(0, -marker.length).trimEnd();
    marker = END_MARKERS.find((end) => rest.endsWith(end));
  }
  return rest;
}
