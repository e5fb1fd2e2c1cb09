import { describe, expect, it } from 'vitest';
import { checkJsonSchema } from './check-json-schema.js';
import { patternProblem } from './check-pattern.js';

const refused = (schema: unknown, message: RegExp) =>
  expect(() => checkJsonSchema(schema, 'responseFormat.schema')).toThrow(
    expect.objectContaining({ code: 'JSON_SCHEMA_UNSUPPORTED', message: expect.stringMatching(message) }),
  );

describe('checkJsonSchema', () => {
  it('accepts the schemas zod and tools produce', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 80,
          pattern: '^[a-z][a-z0-9_-]*$',
          description: 'id',
        },
        count: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 10 },
        mode: { anyOf: [{ const: 'x' }, { type: 'null' }] },
        when: { type: 'string', format: 'date-time' },
        node: { $ref: '#/$defs/leaf' },
      },
      required: ['name'],
      additionalProperties: false,
      $defs: { leaf: { type: 'object', properties: { v: { type: 'number' } } } },
    };
    expect(() => checkJsonSchema(schema, 'responseFormat.schema')).not.toThrow();
  });

  it('refuses $ref "#" and refs that recurse', () => {
    refused(
      { type: 'object', properties: { self: { $ref: '#' } } },
      /properties\.self\.\$ref: \$ref "#" is not supported/,
    );
    refused(
      { $defs: { a: { type: 'array', items: { $ref: '#/$defs/a' } } }, $ref: '#/$defs/a' },
      /\$ref "#\/\$defs\/a" is recursive/,
    );
  });

  it('refuses (a+)+$ and other patterns outside the safe subset', () => {
    refused({ type: 'string', pattern: '(a+)+$' }, /pattern: pattern "\(a\+\)\+\$" must be anchored/);
    refused({ type: 'string', pattern: '^(a+)+$' }, /repeats a group whose own repetitions can overlap/);
    expect(patternProblem('^(?:a|b+)*$')).toMatch(/can overlap/);
    expect(patternProblem('^([a-z]+\\s?)+$')).toMatch(/can overlap/);
    expect(patternProblem('^(?:ab*)*$')).toBeUndefined();
    expect(patternProblem('^(a)\\1$')).toMatch(/backreference/);
    expect(patternProblem('^(?=a)a$')).toMatch(/lookaround/);
    expect(patternProblem('^a{1,1000}$')).toMatch(/at most 100 repetitions/);
    expect(patternProblem('^[a-z]+(-[a-z]+)*$')).toBeUndefined();
    expect(patternProblem('^\\d{3}-\\d{4}$')).toBeUndefined();
  });

  it('refuses huge length and numeric bounds', () => {
    refused({ type: 'string', minLength: 1000000 }, /minLength is 1000000; at most 500 is supported/);
    refused({ type: 'array', maxItems: 100000 }, /maxItems is 100000; at most 2000/);
    refused({ type: 'integer', minimum: 1e300 }, /minimum is 1e\+300; bounds beyond/);
    refused({ type: 'number', maximum: Number.NaN }, /maximum must be a finite number/);
  });

  it('refuses unknown keywords, deep nesting and oversized schemas', () => {
    refused({ type: 'object', if: {} }, /keyword "if" is not supported/);
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 30; i++) deep = { type: 'array', items: deep };
    refused(deep, /nests deeper than 24/);
    refused(
      { type: 'string', enum: Array.from({ length: 5000 }, (_, i) => `value-${i}-${'x'.repeat(10)}`) },
      /at most 65536/,
    );
    refused('string', /must be a JSON object/);
  });
});
