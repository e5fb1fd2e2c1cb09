import type { JsonSchema } from '@hearth/engine';

/**
 * A JSON string character that is neither `"` nor `\` nor a control character (a regex `.`), listed
 * as Unicode scalar values: llama.cpp's grammar reads any byte pattern UTF-8 allows as a code point,
 * and a negated class would let a random model write bytes that decode to no character (U+FFFD each).
 */
const PLAIN_CHAR = String.raw`[\x20-\x21\x23-\x5B\x5D-\x7E\x80-\uD7FF\uE000-\U0010FFFF]`;

/**
 * The rules every grammar may use. Numbers are bounded: at most 16 digits before and after the point
 * and a two-digit exponent, so every number the grammar allows parses to a finite double (llama.cpp's
 * and node-llama-cpp's own converters allow 16-digit exponents: `1e9999999` parses as Infinity).
 */
const PRIMITIVES: Record<string, { body: string; uses: string[] }> = {
  space: { body: '" "?', uses: [] },
  char: { body: String.raw`plain-char | [\\] (["\\/bfnrt] | "u" [0-9a-fA-F]{4})`, uses: ['plain-char'] },
  'plain-char': { body: PLAIN_CHAR, uses: [] },
  // In a string with a length bound, one character is one UTF-16 unit, as JavaScript (and zod 3)
  // measure it, and one code point, as zod 4 and JSON Schema do: the Basic Multilingual Plane only.
  'bounded-char': {
    body: String.raw`[\x20-\x21\x23-\x5B\x5D-\x7E\x80-\uD7FF\uE000-\uFFFF] | [\\] (["\\/bfnrt] | "u" [0-9a-fA-F]{4})`,
    uses: [],
  },
  string: { body: String.raw`"\"" char* "\"" space`, uses: ['char', 'space'] },
  boolean: { body: '("true" | "false") space', uses: ['space'] },
  null: { body: '"null" space', uses: ['space'] },
  'integral-part': { body: '[0] | [1-9] [0-9]{0,15}', uses: [] },
  'decimal-part': { body: '[0-9]{1,16}', uses: [] },
  exponent: { body: '[eE] [-+]? [0-9]{1,2}', uses: [] },
  number: {
    body: '"-"? integral-part ("." decimal-part)? exponent? space',
    uses: ['integral-part', 'decimal-part', 'exponent', 'space'],
  },
  integer: { body: '"-"? integral-part space', uses: ['integral-part', 'space'] },
  value: {
    body: 'object | array | string | number | boolean | null',
    uses: ['object', 'array', 'string', 'number', 'boolean', 'null'],
  },
  object: {
    body: '"{" space (string ":" space value ("," space string ":" space value)*)? "}" space',
    uses: ['string', 'value', 'space'],
  },
  array: { body: '"[" space (value ("," space value)*)? "]" space', uses: ['value', 'space'] },
};

/** The largest magnitude an integer without a bound may have: 16 digits, as the integer rule allows. */
const LARGEST_INTEGER = 10 ** 16 - 1;

/**
 * The one place a JSON Schema becomes a grammar, for every local engine (`llama-node`, `native`,
 * `node-llama-cpp`): GBNF in llama.cpp's dialect whose every sentence is JSON that matches the
 * schema, for the subset `checkJsonSchema` accepts. Numbers are always finite (see PRIMITIVES);
 * integer bounds and whole-number bounds of numbers are exact (digit by digit), other number bounds
 * keep only their sign (validate the parsed value when they matter); an object with listed properties
 * takes no others (a small model would otherwise wander into endless extra keys), and a map's
 * keys follow `propertyNames`; `minProperties`, `maxProperties` and `format` are not enforced.
 */
export function jsonSchemaGrammar(schema: JsonSchema): string {
  const builder = new GrammarBuilder(schema);
  builder.rule('root', builder.visit(schema, 'root'));
  return builder.text();
}

class GrammarBuilder {
  private readonly rules = new Map<string, string>();
  private readonly refRules = new Map<string, string>();

  constructor(private readonly root: JsonSchema) {}

  text(): string {
    return [...this.rules].map(([name, body]) => `${name} ::= ${body}`).join('\n');
  }

  /** Adds a rule under `hint` (or a numbered variant when taken by another body); returns its name. */
  rule(hint: string, body: string): string {
    const base = hint.replace(/[^a-zA-Z0-9-]+/g, '-') || 'rule';
    for (let n = 0; ; n++) {
      const name = n === 0 ? base : `${base}-${n}`;
      const existing = this.rules.get(name);
      if (existing === undefined) {
        this.rules.set(name, body);
        return name;
      }
      if (existing === body) return name;
    }
  }

  primitive(name: string): string {
    const primitive = PRIMITIVES[name];
    if (!primitive) throw new Error(`no primitive rule ${name}`);
    if (!this.rules.has(name)) {
      this.rules.set(name, primitive.body);
      for (const used of primitive.uses) this.primitive(used);
    }
    return name;
  }

  /** A grammar expression for `input` (rules it needs are added under names starting with `name`). */
  visit(input: unknown, name: string): string {
    if (input === true || input === undefined) return this.primitive('value');
    const schema = asRecord(input);
    if (typeof schema.$ref === 'string') return this.ref(schema.$ref);
    if (schema.nullable === true) {
      const { nullable: _, ...rest } = schema;
      return `(${this.visit(rest, name)} | ${this.primitive('null')})`;
    }
    if ('const' in schema) return this.literal(schema.const);
    if (Array.isArray(schema.enum)) return `(${schema.enum.map((value) => this.literal(value)).join(' | ')})`;
    const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
    if (Array.isArray(alternatives)) {
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      const shared = Object.keys(rest).some((key) => !ANNOTATIONS.has(key)) ? rest : {};
      const options = alternatives.map((option, index) =>
        this.visit({ ...shared, ...asRecord(option) }, `${name}-${index}`),
      );
      return `(${options.join(' | ')})`;
    }
    if (Array.isArray(schema.allOf)) return this.visit(this.mergeAll(schema), name);

    const type = schema.type ?? inferType(schema);
    if (Array.isArray(type))
      return `(${type.map((one) => this.visit({ ...schema, type: one }, `${name}-${String(one)}`)).join(' | ')})`;
    switch (type) {
      case 'object':
        return this.object(schema, name);
      case 'array':
        return this.array(schema, name);
      case 'string':
        return this.string(schema, name);
      case 'number':
        return this.number(schema, name);
      case 'integer':
        return this.integer(schema, name);
      case 'boolean':
        return this.primitive('boolean');
      case 'null':
        return this.primitive('null');
      case undefined:
        return this.primitive('value');
      default:
        throw new TypeError(`Unsupported JSON Schema type ${JSON.stringify(type)}`);
    }
  }

  private ref(ref: string): string {
    const known = this.refRules.get(ref);
    if (known) return known;
    const target = resolvePointer(this.root, ref);
    const name = `ref-${ref.split('/').at(-1) ?? 'def'}`;
    // Named before it is visited: checkJsonSchema refuses recursive refs, but a rule name is cheap.
    const ruleName = this.rule(name, '""');
    this.refRules.set(ref, ruleName);
    this.rules.set(ruleName, this.visit(target, ruleName));
    return ruleName;
  }

  /** `allOf` as one schema: properties and `required` merged, other keywords from the parts in order. */
  private mergeAll(schema: Record<string, unknown>): Record<string, unknown> {
    const { allOf, ...rest } = schema;
    const parts = [rest, ...(allOf as unknown[]).map((part) => this.resolve(part))];
    const merged: Record<string, unknown> = {};
    const properties: Record<string, unknown> = {};
    const required = new Set<string>();
    for (const part of parts) {
      Object.assign(merged, part);
      Object.assign(properties, asRecord(part.properties));
      for (const key of Array.isArray(part.required) ? part.required : []) required.add(String(key));
    }
    if (Object.keys(properties).length > 0) {
      merged.properties = properties;
      merged.required = [...required];
    }
    return merged;
  }

  private resolve(input: unknown): Record<string, unknown> {
    const schema = asRecord(input);
    return typeof schema.$ref === 'string' ? this.resolve(resolvePointer(this.root, schema.$ref)) : schema;
  }

  private literal(value: unknown): string {
    return `${gbnfLiteral(JSON.stringify(value))} ${this.primitive('space')}`;
  }

  private object(schema: Record<string, unknown>, name: string): string {
    const properties = asRecord(schema.properties);
    const names = Object.keys(properties);
    const space = this.primitive('space');
    if (names.length === 0) {
      const additional = schema.additionalProperties;
      if (additional === false) return `"{" ${space} "}" ${space}`;
      if (typeof additional !== 'object' || additional === null) return this.primitive('object');
      const value = this.visit(additional, `${name}-value`);
      const key =
        schema.propertyNames === undefined
          ? this.primitive('string')
          : this.rule(
              `${name}-key`,
              this.visit({ type: 'string', ...asRecord(schema.propertyNames) }, `${name}-key`),
            );
      const pair = `${key} ":" ${space} ${value}`;
      return `"{" ${space} (${pair} ("," ${space} ${pair})*)? "}" ${space}`;
    }
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
    const pair = (key: string) =>
      this.rule(
        `${name}-${key}-kv`,
        `${gbnfLiteral(JSON.stringify(key))} ${space} ":" ${space} ${this.visit(properties[key], `${name}-${key}`)}`,
      );
    const requiredPairs = names.filter((key) => required.has(key)).map(pair);
    const optionalPairs = names.filter((key) => !required.has(key)).map(pair);
    // Optional pairs keep their order; each may be left out. `rest-i`: the optional pairs from i on.
    const rest: string[] = [];
    for (let i = optionalPairs.length - 1; i >= 0; i--) {
      const next = rest[0] ? ` ${rest[0]}` : '';
      rest.unshift(this.rule(`${name}-rest-${i}`, `("," ${space} ${optionalPairs[i]})?${next}`));
    }
    let body: string;
    if (requiredPairs.length > 0) {
      body = [requiredPairs.join(` "," ${space} `), rest[0]].filter(Boolean).join(' ');
    } else {
      const starts = optionalPairs.map((pairRule, i) =>
        rest[i + 1] ? `${pairRule} ${rest[i + 1]}` : pairRule,
      );
      body = `(${starts.join(' | ')})?`;
    }
    return `"{" ${space} ${body} "}" ${space}`;
  }

  private array(schema: Record<string, unknown>, name: string): string {
    const space = this.primitive('space');
    const prefix = Array.isArray(schema.prefixItems)
      ? schema.prefixItems.map((item, i) => this.visit(item, `${name}-${i}`))
      : [];
    if (prefix.length > 0 && (schema.items === false || schema.items === undefined)) {
      return `"[" ${space} ${prefix.join(` "," ${space} `)} "]" ${space}`;
    }
    if (schema.items === false) return `"[" ${space} "]" ${space}`;
    const item = this.rule(`${name}-item`, this.visit(schema.items, `${name}-item`));
    const minItems = Math.max(0, Number(schema.minItems ?? 0) - prefix.length);
    const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems - prefix.length : undefined;
    const sequence = (min: number, max: number | undefined): string => {
      if (max !== undefined && max <= 0) return '';
      const more =
        max === 1
          ? ''
          : ` ("," ${space} ${item})${repeat(Math.max(0, min - 1), max === undefined ? undefined : max - 1)}`;
      const list = `${item}${more}`;
      return min > 0 ? list : `(${list})?`;
    };
    const tail = sequence(minItems, maxItems);
    if (prefix.length === 0) return `"[" ${space} ${tail} "]" ${space}`;
    const rest = tail ? ` ${minItems > 0 ? `"," ${space} ${tail}` : `("," ${space} ${tail})?`}` : '';
    return `"[" ${space} ${prefix.join(` "," ${space} `)}${rest} "]" ${space}`;
  }

  private string(schema: Record<string, unknown>, name: string): string {
    const space = this.primitive('space');
    if (typeof schema.pattern === 'string') {
      return `"\\"" ${this.rule(`${name}-pattern`, patternGrammar(schema.pattern))} "\\"" ${space}`;
    }
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
    if (min === 0 && max === undefined) return this.primitive('string');
    return `"\\"" ${this.primitive('bounded-char')}${repeat(min, max)} "\\"" ${space}`;
  }

  private number(schema: Record<string, unknown>, _name: string): string {
    const space = this.primitive('space');
    const { minimum, maximum } = schema;
    // Whole-number bounds (0..1, 1..5: the common ones) are exact: no exponent, the integral part
    // within the bounds, and at a bound itself only zeros after the point.
    if (
      Number.isInteger(minimum) &&
      Number.isInteger(maximum) &&
      (minimum as number) < (maximum as number) &&
      schema.exclusiveMinimum === undefined &&
      schema.exclusiveMaximum === undefined
    ) {
      const [low, high] = [minimum as number, maximum as number];
      const fraction = `("." ${this.primitive('decimal-part')})?`;
      const zeros = '("." "0"{1,16})?';
      const from = (bound: number, top: number) =>
        bound === top
          ? `"${bound}" ${zeros}`
          : `(${digitRange(bound, top - 1)}) ${fraction} | "${top}" ${zeros}`;
      const options: string[] = [];
      // Below zero the magnitude runs from -high (or 0) to -low.
      if (low < 0) options.push(`"-" (${from(Math.max(0, -high), -low)})`);
      if (high >= 0) options.push(`(${from(Math.max(0, low), high)})`);
      return `(${options.join(' | ')}) ${space}`;
    }
    if (!nonNegative(schema)) return this.primitive('number');
    return `${this.primitive('integral-part')} ("." ${this.primitive('decimal-part')})? ${this.primitive('exponent')}? ${space}`;
  }

  private integer(schema: Record<string, unknown>, name: string): string {
    const space = this.primitive('space');
    const lower = integerBound(schema, 'minimum', 'exclusiveMinimum', 1);
    const upper = integerBound(schema, 'maximum', 'exclusiveMaximum', -1);
    if (lower === undefined && upper === undefined) return this.primitive('integer');
    const from = Math.max(lower ?? -LARGEST_INTEGER, -LARGEST_INTEGER);
    const to = Math.min(upper ?? LARGEST_INTEGER, LARGEST_INTEGER);
    if (to < from) throw new TypeError(`The integer range [${from}, ${to}] at ${name} is empty`);
    const options: string[] = [];
    // Negative values are "-" and a magnitude; 0 is never written "-0".
    if (from < 0) options.push(`"-" (${digitRange(Math.max(1, -to), -from)})`);
    if (to >= 0) options.push(digitRange(Math.max(0, from), to));
    return `(${options.join(' | ')}) ${space}`;
  }
}

const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', '$comment', '$schema', '$id']);

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function inferType(schema: Record<string, unknown>): string | undefined {
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  if (schema.pattern !== undefined || schema.minLength !== undefined || schema.maxLength !== undefined)
    return 'string';
  return undefined;
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new TypeError(`Only local $refs ("#/...") are supported, not ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = asRecord(node)[key];
    if (node === undefined) throw new TypeError(`$ref ${ref} points at nothing`);
  }
  return node;
}

function nonNegative(schema: Record<string, unknown>): boolean {
  const minimum = schema.minimum ?? schema.exclusiveMinimum;
  return typeof minimum === 'number' && minimum >= 0;
}

/** An integer bound from `minimum`/`exclusiveMinimum` (step 1) or `maximum`/`exclusiveMaximum` (step -1). */
function integerBound(
  schema: Record<string, unknown>,
  inclusive: string,
  exclusive: string,
  step: 1 | -1,
): number | undefined {
  const candidates: number[] = [];
  if (typeof schema[inclusive] === 'number')
    candidates.push(
      step > 0 ? Math.ceil(schema[inclusive] as number) : Math.floor(schema[inclusive] as number),
    );
  if (typeof schema[exclusive] === 'number') {
    const value = schema[exclusive] as number;
    candidates.push(step > 0 ? Math.floor(value) + 1 : Math.ceil(value) - 1);
  }
  if (candidates.length === 0) return undefined;
  return step > 0 ? Math.max(...candidates) : Math.min(...candidates);
}

/**
 * A grammar for the decimal integers from `from` to `to` (0 <= from <= to), written without leading
 * zeros: one alternative per digit count, each split digit by digit.
 */
function digitRange(from: number, to: number): string {
  const options: string[] = [];
  for (let length = String(from).length; length <= String(to).length; length++) {
    const low = length === String(from).length ? String(from) : `1${'0'.repeat(length - 1)}`;
    const high = length === String(to).length ? String(to) : '9'.repeat(length);
    options.push(sameLengthRange(low, high));
  }
  return options.length === 1 ? (options[0] as string) : options.map((option) => `(${option})`).join(' | ');
}

/** Digit strings of equal length from `low` to `high`, as a grammar. */
function sameLengthRange(low: string, high: string): string {
  if (low.length === 0) return '""';
  if (low === high) return `"${low}"`;
  const [lowFirst, highFirst] = [Number(low[0]), Number(high[0])];
  const [lowRest, highRest] = [low.slice(1), high.slice(1)];
  if (lowFirst === highFirst) return `"${lowFirst}" (${sameLengthRange(lowRest, highRest)})`;
  const anyRest = lowRest.length > 0 ? ` [0-9]{${lowRest.length}}` : '';
  const options: string[] = [];
  let middleFrom = lowFirst;
  let middleTo = highFirst;
  if (/[^0]/.test(lowRest)) {
    options.push(`"${lowFirst}" (${sameLengthRange(lowRest, '9'.repeat(lowRest.length))})`);
    middleFrom++;
  }
  if (/[^9]/.test(highRest)) {
    options.push(`"${highFirst}" (${sameLengthRange('0'.repeat(highRest.length), highRest)})`);
    middleTo--;
  }
  if (middleFrom <= middleTo) options.unshift(`[${middleFrom}-${middleTo}]${anyRest}`);
  return options.length === 1 ? (options[0] as string) : options.map((option) => `(${option})`).join(' | ');
}

/** GBNF repetition suffix for `{min,max}` (`*` when unbounded from zero). */
function repeat(min: number, max: number | undefined): string {
  if (max === undefined) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`;
  if (min === max) return `{${min}}`;
  return `{${min},${max}}`;
}

/** One code point in a GBNF literal or character class. */
function gbnfChar(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  if (/[a-zA-Z0-9 _.,:;!?@#$%&'*+=<>{}()~`|/-]/.test(char)) return char === '-' ? '\\x2D' : char;
  if (codePoint <= 0xff) return `\\x${codePoint.toString(16).padStart(2, '0')}`;
  if (codePoint <= 0xffff) return `\\u${codePoint.toString(16).padStart(4, '0')}`;
  return `\\U${codePoint.toString(16).padStart(8, '0')}`;
}

/** A GBNF string literal matching exactly `text`. */
function gbnfLiteral(text: string): string {
  let out = '';
  for (const char of text) out += gbnfChar(char.codePointAt(0) as number);
  return `"${out}"`;
}

/**
 * A regular expression of the subset `checkJsonSchema` accepts (anchored; literals, escapes, `.`,
 * classes, groups, alternation, quantifiers) as a grammar for the characters of a JSON string, with
 * `"` and `\` written escaped as JSON requires.
 */
export function patternGrammar(pattern: string): string {
  let source = pattern;
  const anchoredStart = source.startsWith('^');
  if (anchoredStart) source = source.slice(1);
  const anchoredEnd = source.endsWith('$') && !source.endsWith('\\$');
  if (anchoredEnd) source = source.slice(0, -1);
  const parser = new PatternParser([...source]);
  const body = parser.alternation();
  if (!parser.done())
    throw new TypeError(`Cannot read pattern ${JSON.stringify(pattern)} at ${parser.position}`);
  const any = `${PLAIN_CHAR}*`;
  return [anchoredStart ? '' : any, `(${body})`, anchoredEnd ? '' : any].filter(Boolean).join(' ');
}

class PatternParser {
  position = 0;
  constructor(private readonly chars: string[]) {}

  done(): boolean {
    return this.position >= this.chars.length;
  }

  alternation(): string {
    const options = [this.sequence()];
    while (this.chars[this.position] === '|') {
      this.position++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as string) : options.map((o) => `(${o})`).join(' | ');
  }

  private sequence(): string {
    const items: string[] = [];
    while (!this.done() && this.chars[this.position] !== '|' && this.chars[this.position] !== ')') {
      const atom = this.atom();
      items.push(`${atom}${this.quantifier()}`);
    }
    return items.length > 0 ? items.join(' ') : '""';
  }

  private atom(): string {
    const char = this.chars[this.position++] as string;
    if (char === '(') {
      if (this.chars[this.position] === '?' && this.chars[this.position + 1] === ':') this.position += 2;
      const inner = this.alternation();
      if (this.chars[this.position] !== ')') throw new TypeError('unclosed group in pattern');
      this.position++;
      return `(${inner})`;
    }
    if (char === '[') return this.characterClass();
    if (char === '.') return PLAIN_CHAR;
    if (char === '\\') return this.escape();
    return jsonStringChar(char);
  }

  private quantifier(): string {
    const char = this.chars[this.position];
    let out = '';
    if (char === '*' || char === '+' || char === '?') {
      this.position++;
      out = char;
    } else if (char === '{') {
      const rest = this.chars.slice(this.position).join('');
      const match = /^\{(\d+)(,(\d*))?\}/.exec(rest);
      if (!match) return '';
      this.position += match[0].length;
      const min = Number(match[1]);
      out = repeat(min, match[2] === undefined ? min : match[3] ? Number(match[3]) : undefined);
    }
    if (out && this.chars[this.position] === '?') this.position++; // lazy: same language
    return out;
  }

  private escape(): string {
    const char = this.chars[this.position++] as string;
    const shorthand = SHORTHANDS[char];
    if (shorthand) return shorthand;
    if (char === 'n') return String.raw`"\\n"`;
    if (char === 't') return String.raw`"\\t"`;
    if (char === 'r') return String.raw`"\\r"`;
    if (char === 'u') {
      const hex = this.chars.slice(this.position, this.position + 4).join('');
      this.position += 4;
      return jsonStringChar(String.fromCharCode(Number.parseInt(hex, 16)));
    }
    return jsonStringChar(char);
  }

  private characterClass(): string {
    const negated = this.chars[this.position] === '^';
    if (negated) this.position++;
    let ranges = '';
    let quote = false;
    let backslash = false;
    let first = true;
    while (!this.done() && (this.chars[this.position] !== ']' || first)) {
      first = false;
      let char = this.chars[this.position++] as string;
      if (char === '\\') {
        const escaped = this.chars[this.position++] as string;
        const inner = CLASS_SHORTHANDS[escaped];
        if (inner) {
          ranges += inner;
          continue;
        }
        char = escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
      }
      let end = char;
      if (
        this.chars[this.position] === '-' &&
        this.chars[this.position + 1] !== ']' &&
        this.position + 1 < this.chars.length
      ) {
        this.position++;
        end = this.chars[this.position++] as string;
        if (end === '\\') end = this.chars[this.position++] as string;
      }
      const from = char.codePointAt(0) as number;
      const to = end.codePointAt(0) as number;
      if (from <= 0x22 && to >= 0x22) quote = true;
      if (from <= 0x5c && to >= 0x5c) backslash = true;
      ranges += from === to ? gbnfChar(from) : `${gbnfChar(from)}-${gbnfChar(to)}`;
    }
    this.position++; // ]
    if (negated) return String.raw`[^${ranges}"\\\x7F\x00-\x1F]`;
    const options = [`[${ranges}]`];
    if (quote) options.push(String.raw`"\\\""`);
    if (backslash) options.push(String.raw`"\\\\"`);
    return options.length === 1 ? (options[0] as string) : `(${options.join(' | ')})`;
  }
}

const SHORTHANDS: Record<string, string> = {
  d: '[0-9]',
  w: '[a-zA-Z0-9_]',
  s: '" "',
  D: String.raw`[^0-9"\\\x7F\x00-\x1F]`,
  W: String.raw`[^a-zA-Z0-9_"\\\x7F\x00-\x1F]`,
  S: String.raw`[^ "\\\x7F\x00-\x1F]`,
};
const CLASS_SHORTHANDS: Record<string, string> = { d: '0-9', w: 'a-zA-Z0-9_', s: ' ' };

/** One character of a JSON string's content: `"` and `\` escaped, control characters as `\uXXXX`. */
function jsonStringChar(char: string): string {
  const json = JSON.stringify(char).slice(1, -1);
  return gbnfLiteral(json);
}
