import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { advertiseJsonSchema, generateObject, readObject, responseJsonSchema } from './generate-object.js';
import { NoObjectGeneratedError } from './generate-object-error.js';
import { ScriptedEngine } from './testing/scripted-engine.js';

const triage = z.object({
  title: z.string().min(1).max(8),
  checks: z.array(z.string()).max(2),
});
const fallback = { title: 'Bug', checks: [] };

/** What a decoder makes of bytes: each byte of an ill-formed UTF-8 sequence becomes its own U+FFFD. */
const decoded = (...bytes: number[]) => new TextDecoder().decode(Uint8Array.from(bytes));

describe('generateObject', () => {
  it('sends the schema as a bounded JSON Schema, streams the reply and returns the validated object', async () => {
    const engine = new ScriptedEngine([{ json: { title: 'Login', checks: ['open the page'] } }]);
    const tokens: string[] = [];
    const result = await generateObject({
      engine,
      schema: triage,
      name: 'triage',
      system: 'Plan.',
      prompt: 'The login button does nothing.',
      attachments: [{ kind: 'image', mimeType: 'image/png', bytes: new Uint8Array([0, 1, 2]) }],
      onToken: (text) => tokens.push(text),
    });
    expect(result).toMatchObject({ object: { title: 'Login', checks: ['open the page'] }, fellBack: false });
    expect(tokens.join('')).toBe(result.text);
    const request = engine.requests[0];
    expect(request?.responseFormat?.name).toBe('triage');
    expect(request?.responseFormat?.schema).toMatchObject({
      properties: {
        title: { maxLength: 8, minLength: 1 },
        checks: { maxItems: 2, items: { type: 'string', maxLength: 400 } }, // unbounded items get a cap
      },
    });
    expect(request?.responseFormat?.schema).not.toHaveProperty('$schema');
    expect(request?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request?.messages[1]?.content).toEqual([
      { type: 'text', text: 'The login button does nothing.' },
      { type: 'image', image: new Uint8Array([0, 1, 2]), mimeType: 'image/png' },
    ]);
    expect(request?.sampling).toEqual({ greedy: true });
  });

  it('falls back with the reason: incomplete JSON, a reply cut at maxTokens, a schema violation', async () => {
    const cases = [
      { reply: { text: '{"title": "Lo' }, reason: /^the reply is not complete JSON \(/ },
      {
        reply: { json: { title: 'Login', checks: ['a', 'b', 'c'] } },
        reason: /^the reply does not match its schema: checks: Too big: expected array to have <=2 items$/,
      },
      {
        reply: { json: { title: '', checks: [], extra: 1 } },
        reason: /^the reply does not match its schema: title: Too small/,
      },
    ];
    for (const { reply, reason } of cases) {
      const result = await generateObject({
        engine: new ScriptedEngine([reply]),
        schema: triage,
        prompt: 'x',
        fallback,
      });
      expect(result.fellBack).toBe(true);
      expect(result.object).toBe(fallback);
      if (result.fellBack) expect(result.reason).toMatch(reason);
    }
    expect(readObject('{"title": "Lo', triage, 'length')).toEqual({
      ok: false,
      reason: 'the reply is not complete JSON (it was cut off at maxTokens)',
    });
  });

  it('throws NoObjectGeneratedError with the reason and the text when no fallback is given', async () => {
    const error = await generateObject({
      engine: new ScriptedEngine([{ text: 'not json' }]),
      schema: triage,
      prompt: 'x',
    }).catch((caught: unknown) => caught);
    expect(NoObjectGeneratedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'NO_OBJECT_GENERATED', text: 'not json', finishReason: 'stop' });
    expect((error as NoObjectGeneratedError).reason).toMatch(/^the reply is not complete JSON/);
  });

  it('counts string bounds in code points, as the grammar does: astral characters at the bound validate', async () => {
    const astral = '\u{1F41B}'.repeat(8); // 8 code points, 16 UTF-16 units
    const result = await generateObject({
      engine: new ScriptedEngine([{ json: { title: astral, checks: [] } }]),
      schema: triage,
      prompt: 'x',
    });
    expect(result).toMatchObject({ object: { title: astral }, fellBack: false, repaired: [] });
    const over = await generateObject({
      engine: new ScriptedEngine([{ json: { title: `${astral}\u{1F41B}`, checks: [] } }]),
      schema: triage,
      prompt: 'x',
      fallback,
    });
    expect(over.fellBack).toBe(true);
  });

  it('merges the U+FFFD runs of ill-formed byte sequences the grammar counted as one character each', async () => {
    // llama.cpp's grammar reads F8 80 80 80 (no valid UTF-8) as one code point; decoding gives four U+FFFD.
    const garbled = decoded(0x61, 0xf8, 0x80, 0x80, 0x80, 0x62, 0xe0, 0x80, 0x80, 0x63); // 5 grammar characters
    expect(garbled).toBe('a\uFFFD\uFFFD\uFFFD\uFFFDb\uFFFD\uFFFD\uFFFDc');
    const title = `${garbled}def`; // 8 grammar characters, 13 decoded ones
    const result = await generateObject({
      engine: new ScriptedEngine([{ json: { title, checks: [] } }]),
      schema: triage,
      prompt: 'x',
    });
    expect(result).toMatchObject({
      object: { title: 'a\uFFFDb\uFFFDcdef' },
      fellBack: false,
      repaired: ['title'],
    });
    // Real text over the bound is never cut: merging runs does not make it fit, so the reply falls back.
    const tooLong = await generateObject({
      engine: new ScriptedEngine([{ json: { title: `${garbled}defghij`, checks: [] } }]),
      schema: triage,
      prompt: 'x',
      fallback,
    });
    expect(tooLong).toMatchObject({ fellBack: true, reason: expect.stringMatching(/^.*title: Too big/) });
  });

  it('reports the closest union branch, and shows advertised schemas to the model while validating loosely', () => {
    const step = z.union([
      z.strictObject({
        action: z.literal('call_tool'),
        args: advertiseJsonSchema(z.record(z.string(), z.unknown()), {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          properties: { url: { type: 'string' } },
        }),
      }),
      z.strictObject({
        action: z.literal('final_answer'),
        answer: z.object({ severity: z.enum(['low', 'high']) }),
      }),
    ]);
    const schema = responseJsonSchema(step) as { anyOf: Array<{ properties: Record<string, unknown> }> };
    expect(schema.anyOf[0]?.properties.args).toEqual({
      type: 'object',
      properties: { url: { type: 'string', maxLength: 400 } },
    });
    expect(readObject('{"action":"call_tool","args":{"url":7}}', step)).toMatchObject({ ok: true });
    expect(readObject('{"action":"final_answer","answer":{"severity":"urgent"}}', step)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the reply does not match its schema: answer\.severity: Invalid option/),
    });
  });
});
