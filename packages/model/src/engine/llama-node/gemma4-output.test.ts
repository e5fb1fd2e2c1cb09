import type { GenerateDelta } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { Gemma4ReplyReader } from '../gemma4-reply.js';
import {
  Gemma4OutputSplitter,
  parseGemma4ToolCall,
  parseGemma4ToolCalls,
  settledReplyLength,
  splitGemma4Output,
} from './gemma4-output.js';

// Replies written the way Gemma 4's chat template and llama.cpp's Gemma 4 handler write them.
const thoughtThenAnswer =
  '<|channel>thought\nThe user greets me; answer briefly.<channel|>Hello! How can I help?';
const emptyThoughtThenAnswer = '<|channel>thought\n<channel|>Paris is the capital of France.';
const toolCallReply =
  '<|channel>thought\nI need the weather.<channel|><|tool_call>call:get_weather{city:<|"|>Paris, France<|"|>,days:3,metric:true,hours:[6,12],filters:{wind:null,note:<|"|>a{b}:c<|"|>}}<tool_call|><|tool_response>';

describe('parseGemma4ToolCall', () => {
  it('reads names, <|"|> strings (with delimiters inside), numbers, booleans, null, lists and objects', () => {
    expect(
      parseGemma4ToolCall(
        'call:get_weather{city:<|"|>Paris, France<|"|>,days:3,metric:true,hours:[6,12],filters:{wind:null,note:<|"|>a{b}:c<|"|>}}',
      ),
    ).toEqual({
      name: 'get_weather',
      args: {
        city: 'Paris, France',
        days: 3,
        metric: true,
        hours: [6, 12],
        filters: { wind: null, note: 'a{b}:c' },
      },
    });
  });

  it('accepts empty arguments, negative and decimal numbers, and JSON-style arguments', () => {
    expect(parseGemma4ToolCall('call:now{}')).toEqual({ name: 'now', args: {} });
    expect(parseGemma4ToolCall('call:move{dx:-1.5,dy:2e3}')).toEqual({
      name: 'move',
      args: { dx: -1.5, dy: 2000 },
    });
    expect(parseGemma4ToolCall('call:set_units{"system":"metric","n":[1,"two"]}')).toEqual({
      name: 'set_units',
      args: { system: 'metric', n: [1, 'two'] },
    });
  });

  it('refuses text that is not a tool call, naming the offset', () => {
    expect(() => parseGemma4ToolCall('get_weather{city:Paris}')).toThrow(/expected "call:" at offset 0/);
    expect(() => parseGemma4ToolCall('call:f{a:<|"|>open}')).toThrow(/unterminated/);
    expect(() => parseGemma4ToolCall('call:f{a:1} trailing')).toThrow(/unexpected text/);
  });

  it('numbers calls in order', () => {
    const calls = parseGemma4ToolCalls(['call:a{}', 'call:b{x:1}']);
    expect(calls.map((call) => [call.id, call.name])).toEqual([
      ['call_0', 'a'],
      ['call_1', 'b'],
    ]);
  });
});

describe('splitGemma4Output', () => {
  it('keeps reasoning out of the answer text', () => {
    expect(splitGemma4Output(thoughtThenAnswer)).toEqual({
      text: 'Hello! How can I help?',
      reasoning: 'The user greets me; answer briefly.',
      toolCallSources: [],
    });
    expect(splitGemma4Output(emptyThoughtThenAnswer).text).toBe('Paris is the capital of France.');
  });

  it('extracts tool calls and drops end-of-turn markers', () => {
    const split = splitGemma4Output(toolCallReply);
    expect(split.text).toBe('');
    expect(split.reasoning).toBe('I need the weather.');
    expect(split.toolCallSources).toHaveLength(1);
    expect(parseGemma4ToolCall(split.toolCallSources[0] ?? '').args.city).toBe('Paris, France');
  });

  it('cuts the answer at the first stop sequence', () => {
    expect(splitGemma4Output('one two three four', ['three', 'two']).text).toBe('one ');
  });
});

describe('Gemma4OutputSplitter (streaming)', () => {
  /** Feeds text in every possible two-piece cut and in single characters; the result must not change. */
  function streamed(raw: string, stop: string[] = []) {
    const runs: string[][] = [];
    const chunkings = [
      [...raw],
      ...Array.from({ length: raw.length - 1 }, (_, i) => [raw.slice(0, i + 1), raw.slice(i + 1)]),
    ];
    for (const chunks of chunkings) {
      const splitter = new Gemma4OutputSplitter(stop);
      const pieces = [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.finish()];
      runs.push(
        pieces.map((piece) => `${piece.type}:${piece.type === 'tool-call' ? piece.source : piece.text}`),
      );
    }
    return runs;
  }

  function joined(run: string[]): { text: string; reasoning: string; calls: string[] } {
    const result = { text: '', reasoning: '', calls: [] as string[] };
    for (const piece of run) {
      const [type, ...rest] = piece.split(':');
      const body = rest.join(':');
      if (type === 'text') result.text += body;
      else if (type === 'reasoning') result.reasoning += body;
      else result.calls.push(body);
    }
    return result;
  }

  it('gives the same split whatever the token boundaries, markers cut in half included', () => {
    for (const raw of [thoughtThenAnswer, emptyThoughtThenAnswer, toolCallReply]) {
      const expected = splitGemma4Output(raw);
      for (const run of streamed(raw)) {
        const result = joined(run);
        expect(result.text).toBe(expected.text);
        expect(result.reasoning).toBe(expected.reasoning);
        expect(result.calls).toEqual(expected.toolCallSources);
      }
    }
  });

  it('never streams text past a stop sequence, even one split across tokens', () => {
    for (const run of streamed('alpha beta gamma', ['beta'])) {
      expect(joined(run).text).toBe('alpha ');
    }
  });

  it('holds back a partial marker until it is known not to be one', () => {
    const splitter = new Gemma4OutputSplitter();
    expect(splitter.push('a <|chan')).toEqual([{ type: 'text', text: 'a ' }]);
    expect(splitter.push('ce')).toEqual([{ type: 'text', text: '<|chance' }]);
  });
});

describe('JSON replies as they stream', () => {
  it('settles all but trailing whitespace and end markers, whole or forming', () => {
    expect(settledReplyLength('{"a": 1}')).toBe(8);
    expect(settledReplyLength('{"a": 1} \n')).toBe(8);
    expect(settledReplyLength('{"a": "<tu')).toBe(7);
    expect(settledReplyLength('{"a": 1}<turn|> <eos>')).toBe(8);
    expect(settledReplyLength('{"a": "<tuple>"')).toBe(15);
  });

  it('sends a JSON reply token by token, the deltas adding up to the final text', () => {
    const deltas: GenerateDelta[] = [];
    const reader = new Gemma4ReplyReader('json', [], (delta) => deltas.push(delta));
    for (const token of [' ', '{"', 'a', '": "', '<tu', 'ple>', '", "b": 1', '}', ' ', '<turn|>'])
      reader.push(token);
    const reply = reader.finish();
    expect(reply.text).toBe('{"a": "<tuple>", "b": 1}');
    const texts = deltas.map((delta) => (delta.type === 'text' ? delta.text : ''));
    expect(texts.join('')).toBe(reply.text);
    expect(texts).toEqual(['{"', 'a', '": "', '<tuple>', '", "b": 1', '}']);
  });

  it('sends a fenced reply whole at the end, without its fence', () => {
    const deltas: GenerateDelta[] = [];
    const reader = new Gemma4ReplyReader('json', [], (delta) => deltas.push(delta));
    for (const token of ['```json\n', '{"a"', ': 1}', '\n```']) reader.push(token);
    expect(reader.finish().text).toBe('{"a": 1}');
    expect(deltas).toEqual([{ type: 'text', text: '{"a": 1}' }]);
  });
});
