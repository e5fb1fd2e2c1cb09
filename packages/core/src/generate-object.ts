import type {
  Engine,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  JsonSchema,
  Message,
  SamplingOptions,
  Usage,
} from '@hearth/engine';
import { readStreamResult } from '@hearth/engine';
import { z } from 'zod';
import { NoObjectGeneratedError } from './generate-object-error.js';
import { type Attachment, userContent } from './media.js';

/** Caps for the strings and arrays a schema leaves unbounded (see `responseJsonSchema`). */
export interface StructureLimits {
  maxLength: number;
  maxItems: number;
}
export const defaultStructureLimits: StructureLimits = { maxLength: 400, maxItems: 8 };

type PromptInput =
  | { messages: Message[]; prompt?: never; system?: never; attachments?: never }
  | {
      prompt: string;
      /** The system message before the prompt. */
      system?: string;
      /** Screenshots and audio that go to the model as media parts after the prompt's text. */
      attachments?: readonly Attachment[];
      messages?: never;
    };

export type GenerateObjectOptions<Schema extends z.ZodType> = PromptInput & {
  engine: Engine;
  /** What the reply must be. Strings are measured as zod measures them (Unicode code points). */
  schema: Schema;
  /** The schema's name for the engine (`responseFormat.name`). */
  name?: string;
  /** Returned (with `fellBack: true` and the reason) instead of throwing when the reply is unusable. */
  fallback?: z.output<Schema>;
  /** Default 1024. */
  maxTokens?: number;
  /** Default greedy, so runs are reproducible. */
  sampling?: SamplingOptions;
  signal?: AbortSignal | undefined;
  /** Each piece of the reply's text as it is decoded (to show progress). */
  onToken?: (text: string) => void;
  /** Caps for unbounded strings and arrays (default `defaultStructureLimits`). */
  limits?: StructureLimits;
};

interface ReplyFacts {
  /** The reply as decoded. */
  text: string;
  finishReason: FinishReason;
  usage: Usage;
}

/** The model's reply was a valid object. */
export interface GeneratedObject<T> extends ReplyFacts {
  object: T;
  fellBack: false;
  /** Paths of strings whose runs of U+FFFD were merged to fit their bound (see `readObject`). */
  repaired: string[];
}

/** The model's reply was unusable; `object` is the caller's fallback. */
export interface FallbackObject<T> extends ReplyFacts {
  object: T;
  fellBack: true;
  /** Why the reply could not be used, e.g. `the reply does not match its schema: title: ...`. */
  reason: string;
}

export type GenerateObjectResult<T> = GeneratedObject<T> | FallbackObject<T>;

/**
 * Asks the model for one object matching a zod schema: the schema goes to the engine as a JSON Schema
 * `responseFormat` (so a grammar-constrained engine can only produce matching JSON), the reply streams
 * (`onToken`), and is parsed and validated with the same zod schema. With a `fallback`, an unusable
 * reply gives `{object: fallback, fellBack: true, reason}`; without one it throws
 * `NoObjectGeneratedError` (which carries the reason and the text). Engine failures and aborts are
 * thrown either way: a fallback stands in for a bad reply, not for a missing model.
 *
 * @example
 * const { object, fellBack } = await generateObject({
 *   engine,
 *   schema: z.object({ title: z.string().max(80), checks: z.array(z.string()).max(4) }),
 *   system: 'Plan the bug investigation. Reply with JSON.',
 *   prompt: 'The login button does nothing.',
 *   attachments: [screenshot],
 *   fallback: { title: 'Bug report', checks: [] },
 * });
 */
export async function generateObject<Schema extends z.ZodType>(
  options: GenerateObjectOptions<Schema> & { fallback: z.output<Schema> },
): Promise<GenerateObjectResult<z.output<Schema>>>;
export async function generateObject<Schema extends z.ZodType>(
  options: GenerateObjectOptions<Schema>,
): Promise<GeneratedObject<z.output<Schema>>>;
export async function generateObject<Schema extends z.ZodType>(
  options: GenerateObjectOptions<Schema>,
): Promise<GenerateObjectResult<z.output<Schema>>> {
  const result = await streamReply(options.engine, objectRequest(options), options.onToken);
  const facts: ReplyFacts = { text: result.text, finishReason: result.finishReason, usage: result.usage };
  const reading = readObject(result.text, options.schema, result.finishReason);
  if (reading.ok) return { ...facts, object: reading.object, fellBack: false, repaired: reading.repaired };
  if ('fallback' in options && options.fallback !== undefined)
    return { ...facts, object: options.fallback, fellBack: true, reason: reading.reason };
  throw new NoObjectGeneratedError({ ...facts, reason: reading.reason });
}

function objectRequest(options: GenerateObjectOptions<z.ZodType>): GenerateRequest {
  const messages: Message[] = options.messages ?? [
    ...(options.system ? [{ role: 'system' as const, content: options.system }] : []),
    { role: 'user', content: userContent(options.prompt, options.attachments) },
  ];
  return {
    messages,
    responseFormat: {
      type: 'json_schema',
      schema: responseJsonSchema(options.schema, options.limits),
      ...(options.name ? { name: options.name } : {}),
    },
    maxTokens: options.maxTokens ?? 1024,
    sampling: options.sampling ?? { greedy: true },
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** Streams one model turn, handing each text delta to `onToken`; returns the engine's full result. */
export async function streamReply(
  engine: Engine,
  request: GenerateRequest,
  onToken?: (text: string) => void,
): Promise<GenerateResult> {
  return readStreamResult(engine.stream(request), engine.info.engine, onToken);
}

/** zod schemas that validate one way but are shown to the model as a given JSON Schema. */
const advertisedSchemas = z.registry<{ jsonSchema: JsonSchema }>();

/**
 * A copy of `schema` that validates as `schema` does but is sent to the model as `jsonSchema`. For
 * values checked later by their owner: a constrained step's tool arguments are decoded under the
 * tool's own JSON Schema, but checked by the tool call (so a bad argument becomes a tool error the
 * model reads, not an unusable step).
 */
export function advertiseJsonSchema<Schema extends z.ZodType>(
  schema: Schema,
  jsonSchema: JsonSchema,
): Schema {
  const { $schema: _header, ...rest } = jsonSchema;
  const copy = schema.clone() as Schema;
  advertisedSchemas.add(copy, { jsonSchema: rest });
  return copy;
}

/**
 * The JSON Schema the engine decodes under for a zod schema: zod's input schema (without the
 * `$schema` header), advertised schemas substituted, and every string and array the schema leaves
 * unbounded capped (`limits`). A small model decoding under a grammar can keep a string open for
 * thousands of tokens; with caps every reply ends well inside `maxTokens`, so its JSON is complete.
 */
export function responseJsonSchema(
  schema: z.ZodType,
  limits: StructureLimits = defaultStructureLimits,
): JsonSchema {
  const { $schema: _header, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    override: ({ zodSchema, jsonSchema: generated }) => {
      const advertised = advertisedSchemas.get(zodSchema as unknown as z.ZodType)?.jsonSchema;
      if (!advertised) return;
      for (const key of Object.keys(generated)) delete (generated as Record<string, unknown>)[key];
      Object.assign(generated, structuredClone(advertised));
    },
  }) as JsonSchema;
  return boundSchema(jsonSchema, limits);
}

function boundSchema(schema: JsonSchema, limits: StructureLimits): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      // `const`/`enum`/`default`/`examples` hold values, not schemas.
      copy[key] = ['const', 'enum', 'default', 'examples'].includes(key) ? value : visit(value);
    }
    const types = Array.isArray(copy.type) ? copy.type : [copy.type];
    if (
      types.includes('string') &&
      copy.maxLength === undefined &&
      copy.enum === undefined &&
      copy.const === undefined
    )
      copy.maxLength = limits.maxLength;
    if (types.includes('array') && copy.maxItems === undefined) copy.maxItems = limits.maxItems;
    return copy;
  };
  return visit(schema) as JsonSchema;
}

/** A reply read against its schema: the object, or why it is unusable. */
export type ObjectReading<T> = { ok: true; object: T; repaired: string[] } | { ok: false; reason: string };

/**
 * Parses and validates a reply's text. One repair is made, because the grammar and the text
 * disagree on length: llama.cpp's grammar takes an ill-formed UTF-8 sequence (an overlong form, a
 * surrogate, a lead byte F5-FF: random byte tokens make them) for ONE code point, while decoding
 * the reply turns each of its bytes into its own U+FFFD. A string the grammar held to `maxLength`
 * code points can so come back up to 4x longer, all of it replacement characters. Such a string,
 * when over its bound, has each run of U+FFFD merged into one (the run carries nothing more than
 * one does) and is checked again; real text over its bound is never cut.
 */
export function readObject<Schema extends z.ZodType>(
  text: string,
  schema: Schema,
  finishReason?: FinishReason,
): ObjectReading<z.output<Schema>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = finishReason === 'length' ? 'it was cut off at maxTokens' : (error as Error).message;
    return { ok: false, reason: `the reply is not complete JSON (${why})` };
  }
  const first = schema.safeParse(value);
  if (first.success) return { ok: true, object: first.data, repaired: [] };
  const repaired: string[] = [];
  for (const issue of flattenIssues(first.error.issues)) {
    if (issue.code !== 'too_big' || issue.origin !== 'string') continue;
    const current = valueAt(value, issue.path);
    if (typeof current !== 'string' || !current.includes('\uFFFD\uFFFD')) continue;
    value = withValueAt(value, issue.path, current.replace(replacementRun, '\uFFFD'));
    repaired.push(issue.path.join('.'));
  }
  const second = repaired.length > 0 ? schema.safeParse(value) : first;
  if (second.success) return { ok: true, object: second.data, repaired };
  return { ok: false, reason: `the reply does not match its schema: ${describeIssues(second.error.issues)}` };
}

const replacementRun = /\uFFFD{2,}/gu;

type Issue = z.core.$ZodIssue;

/** Every issue with its full path, union branches included. */
function flattenIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') return issue.errors.flatMap((branch) => flattenIssues(branch, path));
    return [{ ...issue, path }];
  });
}

/**
 * At most three issues as `path: message`. For a union that matched no branch, the issues of the
 * branch that got furthest (deepest first failure, then fewest issues), so a final answer with a
 * bad field is reported as that field, not as "not a tool call".
 */
function describeIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = [...prefix, ...issue.path];
      if (issue.code === 'invalid_union' && issue.errors.length > 0) {
        const closest = [...issue.errors].sort(
          (a, b) => firstFailureDepth(b) - firstFailureDepth(a) || a.length - b.length,
        )[0] as Issue[];
        return describeIssues(closest, path);
      }
      return `${path.join('.') || '(the whole reply)'}: ${issue.message}`;
    })
    .join('; ');
}

function firstFailureDepth(issues: readonly Issue[]): number {
  return Math.min(...issues.map((issue) => issue.path.length));
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    value,
  );
}

function withValueAt(value: unknown, path: readonly PropertyKey[], replacement: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<PropertyKey, unknown>;
  copy[key] = withValueAt(copy[key], rest, replacement);
  return copy;
}
