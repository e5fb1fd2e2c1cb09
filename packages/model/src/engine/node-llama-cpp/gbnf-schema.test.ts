import { describe, expect, it } from 'vitest';
import { toGbnfJsonSchema } from './gbnf-schema.js';

describe('toGbnfJsonSchema', () => {
  it('turns {} and true into "any JSON value" instead of null', () => {
    const any = toGbnfJsonSchema({});
    expect(any).toHaveProperty('oneOf');
    expect(JSON.stringify(any)).toContain('"additionalProperties":true');
    expect(toGbnfJsonSchema({ type: 'object', properties: { x: true } })).toMatchObject({
      properties: { x: any },
    });
  });

  it('maps anyOf to oneOf, definitions refs to $defs refs, and closes objects with properties', () => {
    const converted = toGbnfJsonSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      definitions: { Point: { type: 'object', properties: { x: { type: 'number', minimum: 0 } } } },
      type: 'object',
      properties: {
        at: { $ref: '#/definitions/Point' },
        tag: { anyOf: [{ type: 'string', pattern: '^a' }, { type: 'null' }] },
      },
      required: ['at'],
    });
    expect(converted).toEqual({
      type: 'object',
      properties: {
        at: { $ref: '#/$defs/Point' },
        tag: { oneOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['at'],
      additionalProperties: false,
      $defs: {
        Point: {
          type: 'object',
          properties: { x: { type: 'number' } },
          required: [],
          additionalProperties: false,
        },
      },
    });
  });

  it('keeps a record schema (z.record) as typed additional properties and splits mixed type arrays', () => {
    expect(toGbnfJsonSchema({ type: 'object', additionalProperties: { type: 'integer' } })).toEqual({
      type: 'object',
      additionalProperties: { type: 'integer' },
    });
    expect(toGbnfJsonSchema({ type: ['array', 'null'], items: { type: 'string' } })).toEqual({
      oneOf: [{ type: ['null'] }, { type: 'array', items: { type: 'string' } }],
    });
  });

  it('rejects what cannot be generated, saying why', () => {
    expect(() => toGbnfJsonSchema({ type: 'object', properties: { never: false } })).toThrow(
      /false.*matches nothing/,
    );
    expect(() => toGbnfJsonSchema({ type: 'tuple' })).toThrow(/Unsupported JSON Schema type "tuple"/);
  });
});
