import { describe, expect, it } from 'vitest';
import { WholeFloat } from '../whole-float.js';
import { checkBfclAnswer, impossibleAnswerReason, standardizeString } from './bfcl-checker.js';
import { bfclSchemaToJsonSchema } from './bfcl-schema.js';
import type { BfclFunction, BfclGroundTruth } from './bfcl-types.js';

const weather: BfclFunction = {
  name: 'weather.get',
  description: 'Weather in a city.',
  parameters: {
    type: 'dict',
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer' },
    },
    required: ['city'],
  },
};
const area: BfclFunction = {
  name: 'circle_area',
  parameters: {
    type: 'dict',
    properties: { radius: { type: 'float' }, precise: { type: 'boolean' } },
    required: ['radius'],
  },
};
const book: BfclFunction = {
  name: 'book',
  parameters: {
    type: 'dict',
    properties: {
      guest: { type: 'dict', properties: { name: { type: 'string' }, email: { type: 'string' } } },
      rooms: { type: 'array', items: { type: 'dict' } },
      nights: { type: 'array', items: { type: 'integer' } },
      point: { type: 'tuple', items: { type: 'integer' } },
    },
    required: [],
  },
};

const weatherTruth: BfclGroundTruth = [
  { 'weather.get': { city: ['Boston, MA', 'Boston'], unit: ['celsius', ''], days: [''] } },
];
const simple = (
  calls: Array<{ name: string; args: Record<string, unknown> }>,
  truth = weatherTruth,
  fns = [weather],
) => checkBfclAnswer('simple_python', fns, calls, truth);

describe('standardizeString', () => {
  it('drops spaces and ,./-_*^, lowercases, and turns single quotes double', () => {
    expect(standardizeString("New York, N.Y. - it's_*^/")).toBe('newyorknyit"s');
    expect(standardizeString('April 1, 2024')).toBe(standardizeString('april 1 2024'));
  });
});

describe('checkBfclAnswer: one call', () => {
  it('accepts a right answer, with string normalisation and optional parameters omitted', () => {
    expect(simple([{ name: 'weather.get', args: { city: 'boston,  ma' } }]).correct).toBe(true);
    expect(simple([{ name: 'weather.get', args: { city: 'Boston', unit: 'celsius' } }]).correct).toBe(true);
  });

  it('names each fault', () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        { unit: 'celsius' },
        'simple_function_checker:missing_required',
        "Missing required parameter: 'city'.",
      ],
      [
        { city: 'Boston', wind: true },
        'simple_function_checker:unexpected_param',
        "Unexpected parameter: 'wind'.",
      ],
      [{ city: 'Boston', unit: 'fahrenheit' }, 'value_error:string', 'Invalid value'],
      // `days: [""]` in the answer: it may only be omitted.
      [{ city: 'Boston', days: 3 }, 'value_error:others', "Invalid value for parameter 'days': 3."],
      [{ city: 42 }, 'type_error:simple', 'Expected type string, got int'],
    ];
    for (const [args, errorType, reason] of cases) {
      const verdict = simple([{ name: 'weather.get', args }]);
      expect(verdict, JSON.stringify(args)).toMatchObject({ correct: false, errorType });
      expect(verdict.reason).toContain(reason);
    }
    expect(simple([{ name: 'weather_get', args: { city: 'Boston' } }]).errorType).toBe(
      'simple_function_checker:wrong_func_name',
    );
    expect(simple([]).errorType).toBe('simple_function_checker:wrong_count');
  });

  it('a parameter the answer lists without "" must be given, even when the function makes it optional', () => {
    const truth: BfclGroundTruth = [{ 'weather.get': { city: ['Boston'], unit: ['celsius'] } }];
    expect(simple([{ name: 'weather.get', args: { city: 'Boston' } }], truth)).toMatchObject({
      correct: false,
      errorType: 'simple_function_checker:missing_optional',
    });
  });

  it('accepts an integer for a float parameter, but not a string or a bool for a number', () => {
    const truth: BfclGroundTruth = [{ circle_area: { radius: [5.0], precise: [true, ''] } }];
    const check = (args: Record<string, unknown>) => simple([{ name: 'circle_area', args }], truth, [area]);
    expect(check({ radius: 5 }).correct).toBe(true);
    expect(check({ radius: 5.5 }).errorType).toBe('value_error:others');
    expect(check({ radius: '5' }).errorType).toBe('type_error:simple');
    expect(check({ radius: 5, precise: 1 }).errorType).toBe('type_error:simple');
    expect(check({ radius: 5, precise: false }).errorType).toBe('value_error:others');
  });

  it('tells 6.0 from 6 as Python does: a float for an integer is wrong, ints inside a list of floats are wrong', () => {
    const stats: BfclFunction = {
      name: 'mean',
      parameters: {
        type: 'dict',
        properties: { values: { type: 'array', items: { type: 'float' } }, places: { type: 'integer' } },
        required: ['values'],
      },
    };
    const truth: BfclGroundTruth = [{ mean: { values: [[new WholeFloat(1), 2.5]], places: [2, ''] } }];
    const check = (args: Record<string, unknown>) => simple([{ name: 'mean', args }], truth, [stats]);
    expect(check({ values: [new WholeFloat(1), 2.5] }).correct).toBe(true);
    expect(check({ values: [new WholeFloat(1), 2.5], places: 2 }).correct).toBe(true);
    expect(check({ values: [new WholeFloat(1), 2.5], places: new WholeFloat(2) }).errorType).toBe(
      'type_error:simple',
    );
    expect(check({ values: [1, 2.5] })).toMatchObject({ correct: false, errorType: 'type_error:nested' });
  });

  it('checks nested dicts key by key, with "" making a key optional, and lists of dicts in order', () => {
    const truth: BfclGroundTruth = [
      {
        book: {
          guest: [{ name: ['Ana Silva'], email: ['ana@example.com', ''] }],
          rooms: [[{ kind: ['double'] }, { kind: ['single'] }]],
          nights: [[2, 3]],
          point: [[3, -2]],
        },
      },
    ];
    const right = {
      guest: { name: 'ana silva' },
      rooms: [{ kind: 'double' }, { kind: 'single' }],
      nights: [2, 3],
      point: [3, -2],
    };
    const check = (args: Record<string, unknown>) => simple([{ name: 'book', args }], truth, [book]);
    expect(check(right).correct).toBe(true);
    expect(check({ ...right, guest: { name: 'Ana Silva', email: 'ana@example.com' } }).correct).toBe(true);
    expect(check({ ...right, guest: { email: 'ana@example.com' } }).errorType).toBe('value_error:dict_key');
    expect(check({ ...right, guest: { name: 'Ana Silva', phone: '1' } }).errorType).toBe(
      'value_error:dict_key',
    );
    expect(check({ ...right, guest: { name: 'Bob' } }).errorType).toBe('value_error:dict_value');
    expect(check({ ...right, rooms: [{ kind: 'single' }, { kind: 'double' }] }).errorType).toBe(
      'value_error:dict_value',
    );
    expect(check({ ...right, rooms: [{ kind: 'double' }] }).errorType).toBe('value_error:list_dict_count');
    expect(check({ ...right, nights: [3, 2] }).errorType).toBe('value_error:list/tuple');
    expect(check({ ...right, point: [3, 2] }).errorType).toBe('value_error:list/tuple');
  });
});

describe('checkBfclAnswer: several calls', () => {
  const truth: BfclGroundTruth = [
    { 'weather.get': { city: ['Paris'], unit: [''], days: [''] } },
    { 'weather.get': { city: ['Tokyo'], unit: [''], days: [''] } },
  ];
  const paris = { name: 'weather.get', args: { city: 'Paris' } };
  const tokyo = { name: 'weather.get', args: { city: 'Tokyo' } };

  it('matches parallel calls in any order', () => {
    expect(checkBfclAnswer('parallel', [weather], [tokyo, paris], truth).correct).toBe(true);
    expect(checkBfclAnswer('live_parallel', [weather], [paris, tokyo], truth).correct).toBe(true);
  });

  it('refuses a wrong count, or a call that matches no expected one', () => {
    expect(checkBfclAnswer('parallel', [weather], [paris], truth).errorType).toBe(
      'parallel_function_checker_no_order:wrong_count',
    );
    expect(checkBfclAnswer('parallel', [weather], [paris, paris], truth).errorType).toBe(
      'parallel_function_checker_no_order:cannot_find_match',
    );
  });

  it('picks the expected function among several in multiple categories', () => {
    const multiTruth: BfclGroundTruth = [{ circle_area: { radius: [2.0], precise: [''] } }];
    expect(
      checkBfclAnswer('multiple', [weather, area], [{ name: 'circle_area', args: { radius: 2 } }], multiTruth)
        .correct,
    ).toBe(true);
    expect(checkBfclAnswer('multiple', [weather, area], [paris], multiTruth).errorType).toBe(
      'simple_function_checker:wrong_func_name',
    );
    expect(checkBfclAnswer('multiple', [weather, area], [], multiTruth).errorType).toBe(
      'multiple_function_checker:wrong_count',
    );
  });

  it('passes irrelevance only with no call', () => {
    expect(checkBfclAnswer('irrelevance', [weather], [], undefined).correct).toBe(true);
    expect(checkBfclAnswer('irrelevance', [weather], [paris], undefined).errorType).toBe(
      'irrelevance_error:decoder_success',
    );
  });
});

describe('impossibleAnswerReason', () => {
  it('finds answers that no call can meet', () => {
    expect(impossibleAnswerReason([weather], weatherTruth)).toBeNull();
    expect(impossibleAnswerReason([weather], [{ 'weather.get': { city: [''] } }])).toContain("'city'");
    expect(impossibleAnswerReason([weather], [{ 'weather.get': { unit: ['celsius'] } }])).toContain("'city'");
    expect(impossibleAnswerReason([weather], [{ other: {} }])).toContain('not among');
    expect(impossibleAnswerReason([weather], [{ 'weather.get': { city: ['Oslo'], wind: [3] } }])).toContain(
      "'wind'",
    );
    expect(
      impossibleAnswerReason([weather], [{ 'weather.get': { city: ['Oslo'], wind: [3, ''] } }]),
    ).toBeNull();
  });
});

describe('bfclSchemaToJsonSchema', () => {
  it("turns BFCL's python type names into JSON Schema, recursively", () => {
    expect(bfclSchemaToJsonSchema(book.parameters)).toEqual({
      type: 'object',
      properties: {
        guest: { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string' } } },
        rooms: { type: 'array', items: { type: 'object' } },
        nights: { type: 'array', items: { type: 'integer' } },
        point: { type: 'array', items: { type: 'integer' } },
      },
    });
    expect(bfclSchemaToJsonSchema({ type: 'float', optional: true } as never)).toEqual({ type: 'number' });
    expect(bfclSchemaToJsonSchema({ type: 'any', description: 'x' })).toEqual({ description: 'x' });
  });
});
