import type { JsonSchema } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSchemaGrammar, patternGrammar } from './json-schema-grammar.js';
import { LlamaNodeEngine } from './llama-node/llama-node-engine.js';

/**
 * The root rule of a number or integer grammar uses only literals, digit classes, repetitions and
 * `decimal-part`: as a RegExp it can be checked against every value around the bounds.
 */
function asRegExp(grammar: string): RegExp {
  const root = /^root ::= (.*) space$/m.exec(grammar)?.[1] ?? '';
  const source = root
    .replace(/decimal-part/g, '[0-9]{1,16}')
    .replace(/"([^"]*)"/g, (_, literal: string) => literal.replace('.', '\\.'))
    .replace(/ /g, '');
  return new RegExp(`^(?:${source})$`);
}

describe('jsonSchemaGrammar', () => {
  it('bounds every number: 16 digits each side of the point and a two-digit exponent', () => {
    const grammar = jsonSchemaGrammar({
      type: 'object',
      properties: { x: { type: 'number' } },
      required: ['x'],
    });
    expect(grammar).toMatch(/^exponent ::= \[eE\] \[-\+\]\? \[0-9\]\{1,2\}$/m);
    expect(grammar).toMatch(/^integral-part ::= \[0\] \| \[1-9\] \[0-9\]\{0,15\}$/m);
    // The largest number this allows is finite.
    expect(Number.isFinite(Number(`-${'9'.repeat(16)}.${'9'.repeat(16)}e+99`))).toBe(true);
  });

  it('keeps integers exactly within their bounds, digit by digit', () => {
    const ranges: [number, number][] = [
      [1, 5],
      [-3, 3],
      [17, 342],
      [-1234, 5678],
      [-999, -100],
      [0, 100000],
    ];
    for (const [minimum, maximum] of ranges) {
      const pattern = asRegExp(jsonSchemaGrammar({ type: 'integer', minimum, maximum }));
      for (let value = minimum - 2000; value <= maximum + 2000; value++) {
        const inRange = value >= minimum && value <= maximum;
        expect(pattern.test(String(value)), `${value} in [${minimum}, ${maximum}]`).toBe(inRange);
      }
      expect(pattern.test('-0')).toBe(false);
      expect(pattern.test(`0${maximum}`)).toBe(false);
    }
  });

  it('keeps numbers within whole-number bounds, with no exponent', () => {
    for (const [minimum, maximum] of [
      [0, 1],
      [1, 5],
      [-1, 1],
      [-5, -2],
      [-3, 0],
    ] as const) {
      const pattern = asRegExp(jsonSchemaGrammar({ type: 'number', minimum, maximum }));
      for (let value = minimum - 2; value <= maximum + 2; value += 0.25) {
        const inRange = value >= minimum && value <= maximum;
        for (const text of [String(value), value.toFixed(2)]) {
          expect(pattern.test(text), `${text} in [${minimum}, ${maximum}]`).toBe(inRange);
        }
      }
      expect(pattern.test(`${maximum}e0`)).toBe(false);
    }
  });

  it('keeps required then optional keys in order, and escapes literals', () => {
    const grammar = jsonSchemaGrammar({
      type: 'object',
      properties: {
        stars: { type: 'integer', minimum: 1, exclusiveMaximum: 4 },
        note: { type: 'string', maxLength: 3 },
        name: { const: 'x"y' },
      },
      required: ['name', 'stars'],
    });
    expect(grammar).toContain('([1-3]) space');
    expect(grammar).toMatch(
      /^root ::= "\{" space root-stars-kv "," space root-name-kv root-rest-0 "\}" space$/m,
    );
    expect(grammar).toContain(String.raw`"\x22x\x5c\x22y\x22"`);
  });

  it('turns anchored patterns into JSON string characters, escaping " and \\', () => {
    expect(patternGrammar('^[A-Z]{2}-\\d{3}$')).toBe(String.raw`([A-Z]{2} "\x2D" [0-9]{3})`);
    expect(patternGrammar('^(?:a|b"c)+$')).toBe(String.raw`((("a") | ("b" "\x5c\x22" "c"))+)`);
    expect(patternGrammar('^[^x]?$')).toMatch(/^\(\[\^x"/);
  });
});

// Real llama.cpp on the tiny model: a random model writes noise, so every property asserted here is
// one the grammar alone guarantees, over many seeds.
describe('jsonSchemaGrammar under llama.node (tiny)', () => {
  let engine: LlamaNodeEngine;
  beforeAll(async () => {
    engine = await LlamaNodeEngine.load({ model: await makeTestkitModel('tiny'), threads: 1 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  const reading = z.object({
    id: z.string().regex(/^[A-Z]{2}-\d{3}$/),
    stars: z.number().int().min(1).max(5),
    kind: z.enum(['a', 'b']),
    values: z.array(z.number()).min(1).max(4),
    label: z.string().max(8),
    at: z.object({ lat: z.number(), lon: z.number() }).optional(),
  });
  const schema = z.toJSONSchema(reading) as JsonSchema;

  it('decodes JSON the zod schema accepts, with finite numbers, on 12 seeds', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const result = await engine.generate({
        messages: [{ role: 'user', content: 'A reading, please.' }],
        responseFormat: { type: 'json_schema', schema },
        maxTokens: 200,
        sampling: { temperature: 1.5, seed },
      });
      expect(result.finishReason, `seed ${seed}: ${result.text}`).toBe('stop');
      const parsed = reading.safeParse(JSON.parse(result.text));
      expect(parsed.error, `seed ${seed}: ${result.text}`).toBeUndefined();
    }
  });

  it('covers unions, nullables, tuples, records, refs and number ranges, on 8 seeds', async () => {
    const point = z.object({ x: z.number(), y: z.number() });
    const drawing = z.object({
      shape: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('circle'), r: z.number().nonnegative() }),
        z.object({ kind: z.literal('box'), w: z.int().min(-3).max(3) }),
      ]),
      note: z.string().max(5).nullable(),
      pair: z.tuple([z.boolean(), z.enum(['é', '😀'])]),
      counts: z.record(z.string().max(4), z.int()).optional(),
      from: point,
      to: point,
      big: z.int().min(-100000).max(100000),
      confidence: z.number().min(0).max(1),
    });
    const drawingSchema = z.toJSONSchema(drawing, { reused: 'ref' }) as JsonSchema;
    expect(JSON.stringify(drawingSchema)).toContain('"$ref"');
    for (let seed = 1; seed <= 8; seed++) {
      const result = await engine.generate({
        messages: [{ role: 'user', content: 'Draw.' }],
        responseFormat: { type: 'json_schema', schema: drawingSchema },
        maxTokens: 300,
        sampling: { temperature: 1.5, seed },
      });
      expect(result.finishReason, `seed ${seed}: ${result.text}`).toBe('stop');
      const parsed = drawing.safeParse(JSON.parse(result.text));
      expect(parsed.error, `seed ${seed}: ${result.text}`).toBeUndefined();
    }
  });
});
