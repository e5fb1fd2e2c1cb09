// A TypeScript port of the AST checker of the Berkeley Function Calling Leaderboard
// (gorilla, bfcl_eval/eval_checker/ast_eval/ast_checker.py, Python language only), written from its
// documented behaviour: the same checks, in the same order, with the same error types, so a verdict
// here reads like BFCL's. Python tells `5.0` from `5`; JSON.parse does not, so answers and ground truth
// files are read keeping whole floats as `WholeFloat` (a model's tool call parsed by an engine cannot be:
// there `5.0` is the integer 5).
import type { AnswerCall, Verdict } from '../suite.js';
import { WholeFloat } from '../whole-float.js';
import type { BfclFunction, BfclGroundTruth, BfclParameterSchema } from './bfcl-types.js';

/** BFCL's python type names and what a JSON value of that type looks like here. */
type PyType = 'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'NoneType';

const pythonTypeOfSchema: Record<string, PyType> = {
  string: 'str',
  integer: 'int',
  float: 'float',
  boolean: 'bool',
  array: 'list',
  tuple: 'list',
  dict: 'dict',
  any: 'str',
};

/** The python type a JSON value would have after `json.loads`. */
function pyTypeOf(value: unknown): PyType {
  if (value === null || value === undefined) return 'NoneType';
  if (value instanceof WholeFloat) return 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** Python's `repr` closely enough for error messages. */
function repr(value: unknown): string {
  if (value instanceof WholeFloat) return `${value.value}.0`;
  if (typeof value === 'string') return `'${value}'`;
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  return JSON.stringify(value);
}

/** Python `==` on JSON values: deep, and numbers compare by value (1 == 1.0). */
function pyEquals(first: unknown, second: unknown): boolean {
  const a = first instanceof WholeFloat ? first.value : first;
  const b = second instanceof WholeFloat ? second.value : second;
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => pyEquals(item, b[index]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const aKeys = Object.keys(a);
    const bRecord = b as Record<string, unknown>;
    if (aKeys.length !== Object.keys(b).length) return false;
    return aKeys.every(
      (key) => key in bRecord && pyEquals((a as Record<string, unknown>)[key], bRecord[key]),
    );
  }
  return a === b;
}

const isIn = (value: unknown, list: readonly unknown[]) => list.some((item) => pyEquals(value, item));

/**
 * BFCL's string normalisation: drop spaces and `,./-_*^`, lowercase, and single quotes become double,
 * so "New York, NY" matches "new york ny".
 */
export function standardizeString(text: string): string {
  return text
    .replace(/[ ,./\-_*^]/g, '')
    .toLowerCase()
    .replace(/'/g, '"');
}

const standardizeIfString = (value: unknown) =>
  typeof value === 'string' ? standardizeString(value) : value;

function fail(errorType: string, reason: string): Verdict {
  return { correct: false, reason, errorType };
}

const pass: Verdict = { correct: true, reason: 'every call matches the ground truth' };

/** The type of the first acceptable value that is not `""` (omitted), as BFCL's `get_possible_answer_type`. */
function possibleAnswerType(possible: readonly unknown[]): PyType | null {
  for (const answer of possible) if (answer !== '') return pyTypeOf(answer);
  return null;
}

interface TypeCheck {
  valid: boolean;
  isVariable: boolean;
  verdict?: Verdict;
}

function typeCheck(
  param: string,
  value: unknown,
  possible: readonly unknown[],
  expectedDescription: string,
  expected: PyType,
  nested: PyType | null,
): TypeCheck {
  const answerType = possibleAnswerType(possible);
  // Acceptable values of another type than the schema's mean the answer names a variable (e.g. "x" for an int).
  const isVariable = answerType !== null && answerType !== expected;
  const valueType = pyTypeOf(value);
  let nestedFailure = '';
  if (valueType === expected) {
    if (nested === null) return { valid: true, isVariable };
    for (const possibleItem of possible) {
      const items = value as unknown[];
      // As BFCL: an acceptable value that is not a list ("") passes the nested check.
      if (
        !Array.isArray(possibleItem) ||
        items.every((item) => typeCheck(param, item, possibleItem, nested, nested, null).valid)
      )
        return { valid: true, isVariable };
    }
    nestedFailure = `Nested type checking failed for parameter ${repr(param)}. Expected outer type ${expectedDescription} with inner type ${nested}. Parameter value: ${repr(value)}.`;
  }
  // As BFCL: a value of the acceptable values' type is taken as a variable name, unless its nested check failed.
  if (answerType !== null && valueType === answerType)
    return nestedFailure
      ? { valid: false, isVariable: true, verdict: fail('type_error:nested', nestedFailure) }
      : { valid: true, isVariable: true };
  return {
    valid: false,
    isVariable,
    verdict: fail(
      'type_error:simple',
      `${nestedFailure ? `${nestedFailure} ` : ''}Incorrect type for parameter ${repr(param)}. Expected type ${expectedDescription}, got ${valueType}. Parameter value: ${repr(value)}.`,
    ),
  };
}

function stringCheck(param: string, value: string, possible: readonly unknown[]): Verdict | null {
  const accepted = possible.filter((item): item is string => typeof item === 'string').map(standardizeString);
  if (accepted.includes(standardizeString(value))) return null;
  return fail(
    'value_error:string',
    `Invalid value for parameter ${repr(param)}: ${repr(value)}. Expected one of ${JSON.stringify(possible)}. Case insensitive.`,
  );
}

function listCheck(param: string, value: unknown[], possible: readonly unknown[]): Verdict | null {
  const standardized = value.map(standardizeIfString);
  const accepted = possible.map((item) => (Array.isArray(item) ? item.map(standardizeIfString) : item));
  if (isIn(standardized, accepted)) return null;
  return fail(
    'value_error:list/tuple',
    `Invalid value for parameter ${repr(param)}: ${repr(value)}. Expected one of ${JSON.stringify(possible)}.`,
  );
}

function dictCheck(value: Record<string, unknown>, possible: readonly unknown[]): Verdict | null {
  let result = fail('dict_checker:unclear', 'No acceptable dictionary matched.');
  for (const candidate of possible) {
    if (candidate === '' || typeof candidate !== 'object' || candidate === null) continue;
    const expected = candidate as Record<string, unknown[]>;
    let matched = true;
    for (const [key, item] of Object.entries(value)) {
      if (!(key in expected)) {
        result = fail('value_error:dict_key', `Unexpected dict key parameter: '${key}'.`);
        matched = false;
        break;
      }
      const accepted = (expected[key] ?? []).map(standardizeIfString);
      if (!isIn(standardizeIfString(item), accepted)) {
        result = fail(
          'value_error:dict_value',
          `Invalid value for parameter ${repr(key)}: ${repr(item)}. Expected one of ${JSON.stringify(accepted)}.`,
        );
        matched = false;
        break;
      }
    }
    // As BFCL, missing keys are looked for even after a mismatch (and their error is the one reported).
    for (const [key, accepted] of Object.entries(expected)) {
      if (!(key in value) && !accepted.includes('')) {
        result = fail('value_error:dict_key', `Missing dict key parameter: '${key}'.`);
        matched = false;
        break;
      }
    }
    if (matched) return null;
  }
  return result;
}

function listOfDictsCheck(value: unknown[], possible: readonly unknown[]): Verdict | null {
  let result = fail('list_dict_checker:unclear', 'No acceptable list of dictionaries matched.');
  for (const candidate of possible) {
    if (!Array.isArray(candidate)) continue;
    if (candidate.length !== value.length) {
      result = fail('value_error:list_dict_count', 'Wrong number of dictionaries in the list.');
      continue;
    }
    let failure: Verdict | null = null;
    for (let i = 0; i < value.length && !failure; i++)
      failure = dictCheck(value[i] as Record<string, unknown>, [candidate[i]]);
    if (!failure) return null;
    result = failure;
  }
  return result;
}

/** One call against one function's description and one ground-truth entry (BFCL's `simple_function_checker`). */
export function checkCall(
  description: BfclFunction,
  call: AnswerCall,
  expected: Record<string, Record<string, unknown[]>>,
): Verdict {
  const properties = description.parameters.properties ?? {};
  const required = description.parameters.required ?? [];
  const possibleAnswer = Object.values(expected)[0] ?? {};
  if (call.name !== description.name)
    return fail(
      'simple_function_checker:wrong_func_name',
      `Function name ${repr(call.name)} not found in model output.`,
    );
  for (const param of required)
    if (!(param in call.args))
      return fail('simple_function_checker:missing_required', `Missing required parameter: '${param}'.`);
  for (const [param, given] of Object.entries(call.args)) {
    const schema: BfclParameterSchema | undefined = properties[param];
    const possible = possibleAnswer[param];
    if (!schema || !possible)
      return fail('simple_function_checker:unexpected_param', `Unexpected parameter: '${param}'.`);
    const expectedDescription = schema.type ?? 'any';
    const expectedType = pythonTypeOfSchema[expectedDescription] ?? 'str';
    const nestedDescription =
      expectedDescription === 'array' || expectedDescription === 'tuple' ? schema.items?.type : undefined;
    const nestedType = nestedDescription ? (pythonTypeOfSchema[nestedDescription] ?? null) : null;
    // As BFCL (Python): an int given for a float parameter is converted; ints inside a list of floats are not.
    const value =
      expectedType === 'float' && pyTypeOf(given) === 'int' ? new WholeFloat(given as number) : given;
    const typed = typeCheck(param, value, possible, expectedDescription, expectedType, nestedType);
    if (!typed.valid) return typed.verdict as Verdict;
    if (!typed.isVariable) {
      let failure: Verdict | null | undefined;
      if (expectedType === 'dict') failure = dictCheck(value as Record<string, unknown>, possible);
      else if (expectedType === 'list' && nestedType === 'dict')
        failure = listOfDictsCheck(value as unknown[], possible);
      else if (expectedType === 'str') failure = stringCheck(param, value as string, possible);
      else if (expectedType === 'list') failure = listCheck(param, value as unknown[], possible);
      if (failure) return failure;
      if (failure === null) continue;
    }
    if (!isIn(value, possible))
      return fail(
        'value_error:others',
        `Invalid value for parameter ${repr(param)}: ${repr(value)}. Expected one of ${JSON.stringify(possible)}.`,
      );
  }
  for (const [param, accepted] of Object.entries(possibleAnswer))
    if (!(param in call.args) && !accepted.includes(''))
      return fail(
        'simple_function_checker:missing_optional',
        `Optional parameter ${repr(param)} not provided and not marked as optional.`,
      );
  return pass;
}

const descriptionFor = (functions: readonly BfclFunction[], name: string) =>
  functions.find((candidate) => candidate.name === name);

function expectedName(entry: Record<string, unknown>): string {
  return Object.keys(entry)[0] ?? '';
}

/** Parallel calls in any order: each expected call takes the first unmatched model call that passes (BFCL's greedy matching). */
function checkParallel(
  functions: readonly BfclFunction[],
  calls: readonly AnswerCall[],
  truth: BfclGroundTruth,
): Verdict {
  if (calls.length !== truth.length)
    return fail(
      'parallel_function_checker_no_order:wrong_count',
      `Wrong number of functions: expected ${truth.length}, got ${calls.length}.`,
    );
  const matched = new Set<number>();
  for (const [i, expected] of truth.entries()) {
    const description = descriptionFor(functions, expectedName(expected));
    if (!description)
      return fail(
        'parallel_function_checker_no_order:cannot_find_description',
        `Function doc description not found for function name: ${repr(expectedName(expected))}.`,
      );
    const errors: string[] = [];
    let found = false;
    for (const [index, call] of calls.entries()) {
      if (matched.has(index)) continue;
      const verdict = checkCall(description, call, expected);
      if (verdict.correct) {
        matched.add(index);
        found = true;
        break;
      }
      errors.push(`model call ${index}: ${verdict.reason}`);
    }
    if (!found)
      return fail(
        'parallel_function_checker_no_order:cannot_find_match',
        `Could not find a matching function among the model's calls for expected call ${i} (${expectedName(expected)}): ${errors.join(' ')}`,
      );
  }
  return pass;
}

/**
 * BFCL's `ast_checker` for the Python categories: `parallel*` categories match calls in any order,
 * `multiple` picks the expected function among several, the rest expect exactly one call;
 * irrelevance categories (no ground truth) pass only when the model calls nothing.
 */
export function checkBfclAnswer(
  category: string,
  functions: readonly BfclFunction[],
  calls: readonly AnswerCall[],
  truth: BfclGroundTruth | undefined,
): Verdict {
  if (!truth)
    return calls.length === 0
      ? { correct: true, reason: 'no function called, as the question needs none' }
      : fail(
          'irrelevance_error:decoder_success',
          `Called ${calls.map((call) => call.name).join(', ')}, but no function fits the question.`,
        );
  if (category.includes('parallel')) return checkParallel(functions, calls, truth);
  if (category.includes('multiple')) {
    if (calls.length !== truth.length)
      return fail(
        'multiple_function_checker:wrong_count',
        `Wrong number of functions: expected ${truth.length}, got ${calls.length}.`,
      );
    const expected = truth[0] as Record<string, Record<string, unknown[]>>;
    const description = descriptionFor(functions, expectedName(expected));
    if (!description)
      return fail(
        'multiple_function_checker:cannot_find_description',
        `Function doc description not found for function name: ${repr(expectedName(expected))}.`,
      );
    return checkCall(description, calls[0] as AnswerCall, expected);
  }
  if (calls.length !== 1)
    return fail(
      'simple_function_checker:wrong_count',
      `Wrong number of functions: expected 1, got ${calls.length}.`,
    );
  return checkCall(
    functions[0] as BfclFunction,
    calls[0] as AnswerCall,
    truth[0] as Record<string, Record<string, unknown[]>>,
  );
}

/**
 * Why a ground truth can never be met, or null: an expected function that is not offered, a required
 * parameter whose acceptable values are missing or only `""` (omitted), or a parameter the answer demands
 * that the function does not declare; the checker would refuse every answer to such a case.
 */
export function impossibleAnswerReason(
  functions: readonly BfclFunction[],
  truth: BfclGroundTruth,
): string | null {
  for (const entry of truth) {
    const name = expectedName(entry);
    const description = descriptionFor(functions, name);
    if (!description) return `the answer calls ${name}, which is not among the case's functions`;
    const params = entry[name] ?? {};
    for (const param of description.parameters.required ?? []) {
      const accepted = params[param];
      if (!accepted || accepted.every((value) => value === ''))
        return `${name}'s required parameter '${param}' has no acceptable value in the answer`;
    }
    const properties = description.parameters.properties ?? {};
    for (const [param, accepted] of Object.entries(params))
      if (!(param in properties) && !accepted.includes(''))
        return `the answer needs ${name}'s parameter '${param}', which the function does not have`;
  }
  return null;
}
