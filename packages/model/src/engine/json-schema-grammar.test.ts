import type { JsonSchema } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSchemaGrammar, patternGrammar } from './json-schema-grammar.js';
import { LlamaNodeEngine } from './llama-node/llama-node-engine.js';

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

  it('lists small integer ranges value by value, and keeps required then optional keys in order', () => {
    const grammar = jsonSchemaGrammar({
      type: 'object',
      properties: {
        stars: { type: 'integer', minimum: 1, exclusiveMaximum: 4 },
        note: { type: 'string', maxLength: 3 },
        name: { const: 'x"y' },
      },
      required: ['name', 'stars'],
    });
    expect(grammar).toContain('("1" | "2" | "3")');
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
});
