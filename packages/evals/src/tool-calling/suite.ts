import type { GenerateRequest, GenerateResult, Message } from '@hearth/engine';
import { shippedData } from '../shipped-data.js';
import type { Answer, AnswerCall, MutatedAnswer, Suite } from '../suite.js';
import { checkBfclAnswer } from './bfcl-checker.js';
import { bfclTools, toolNameFor } from './bfcl-schema.js';
import type { BfclFunction, ToolCallingCase } from './bfcl-types.js';
import { loadBfclFolder } from './load-bfcl.js';

/** The cases this package ships, in BFCL's format (from the repository's `evals/tool-calling/data`). */
export const shippedToolCallingData = shippedData('tool-calling');

function toMessage(turn: { role: string; content: string }): Message {
  if (turn.role === 'system') return { role: 'system', content: turn.content };
  if (turn.role === 'assistant') return { role: 'assistant', content: turn.content };
  return { role: 'user', content: turn.content };
}

/** A JSON object (not an array, nor a `WholeFloat` such as 6.0 read from an answer file). */
const isPlainObject = (value: unknown): value is Record<string, unknown[]> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** A dict answer `{key: [acceptable values]}` made concrete: each key's first acceptable value, omitted when only `""`. */
function concreteDict(accepted: Record<string, unknown[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(accepted)) {
    const chosen = values.find((value) => value !== '');
    if (chosen !== undefined) out[key] = chosen;
  }
  return out;
}

/**
 * An acceptable parameter value made concrete. As BFCL's checker reads answers: a dict, and each dict
 * of a list of dicts, holds lists of acceptable values one level deep; anything else is the value itself.
 */
function concreteValue(accepted: unknown): unknown {
  if (isPlainObject(accepted)) return concreteDict(accepted);
  if (Array.isArray(accepted) && accepted.length > 0 && accepted.every(isPlainObject))
    return accepted.map(concreteDict);
  return accepted;
}

const describe = (functions: readonly BfclFunction[], name: string) =>
  functions.find((fn) => fn.name === name);

function oracleCalls(testCase: ToolCallingCase): AnswerCall[] {
  return (testCase.groundTruth ?? []).map((entry) => {
    const [name, params] = Object.entries(entry)[0] as [string, Record<string, unknown[]>];
    const declared = describe(testCase.functions, name)?.parameters.properties ?? {};
    // A parameter the function does not declare is one the answer lets be omitted (else the case is unscorable).
    const args = concreteDict(
      Object.fromEntries(Object.entries(params).filter(([param]) => param in declared)),
    );
    return {
      name,
      args: Object.fromEntries(Object.entries(args).map(([param, value]) => [param, concreteValue(value)])),
    };
  });
}

/** A value no BFCL answer accepts, of the same JSON type as `value`. */
function wrongValueFor(value: unknown): unknown {
  if (typeof value === 'string') return `${value} (mutant)`;
  if (typeof value === 'number') return value + 7919;
  if (typeof value === 'boolean') return !value;
  return 'mutant value';
}

/**
 * The faults the `mutant` model applies, each with the checker error it must cause. Each one is made from
 * the oracle's right answer, so a checker that lets any of them through is wrong.
 */
function mutations(testCase: ToolCallingCase, right: AnswerCall[]): MutatedAnswer[] {
  const answer = (calls: AnswerCall[]): Answer => ({ id: testCase.id, calls, text: '' });
  if (!testCase.groundTruth) {
    // Some BFCL irrelevance cases offer no function at all: any call is then a call on an irrelevance case.
    const name = testCase.functions[0]?.name ?? 'mutant_function';
    return [
      {
        answer: answer([{ name, args: {} }]),
        fault: 'a call on an irrelevance case',
        expectedErrorType: 'irrelevance_error:decoder_success',
      },
    ];
  }
  const parallel = testCase.category.includes('parallel');
  const countError = parallel
    ? 'parallel_function_checker_no_order:wrong_count'
    : testCase.category.includes('multiple')
      ? 'multiple_function_checker:wrong_count'
      : 'simple_function_checker:wrong_count';
  const inCall = (errorType: string) =>
    parallel ? 'parallel_function_checker_no_order:cannot_find_match' : errorType;
  const [first, ...rest] = right as [AnswerCall, ...AnswerCall[]];
  const faults: MutatedAnswer[] = [
    {
      answer: answer([{ ...first, name: `${first.name}_mutant` }, ...rest]),
      fault: 'wrong function',
      expectedErrorType: inCall('simple_function_checker:wrong_func_name'),
    },
    {
      answer: answer([{ ...first, args: { ...first.args, mutant_extra_argument: 1 } }, ...rest]),
      fault: 'extra argument',
      expectedErrorType: inCall('simple_function_checker:unexpected_param'),
    },
    { answer: answer([...right, first]), fault: 'extra call', expectedErrorType: countError },
    { answer: answer(right.slice(0, -1)), fault: 'missing call', expectedErrorType: countError },
  ];
  const required = describe(testCase.functions, first.name)?.parameters.required?.find(
    (param) => param in first.args,
  );
  if (required) {
    const { [required]: _dropped, ...args } = first.args;
    faults.push({
      answer: answer([{ ...first, args }, ...rest]),
      fault: `missing required argument '${required}'`,
      expectedErrorType: inCall('simple_function_checker:missing_required'),
    });
  }
  const scalar = Object.entries(first.args).find(([, value]) =>
    ['string', 'number', 'boolean'].includes(typeof value),
  );
  if (scalar) {
    const [param, value] = scalar;
    const type = typeof value === 'string' ? 'value_error:string' : 'value_error:others';
    faults.push({
      answer: answer([{ ...first, args: { ...first.args, [param]: wrongValueFor(value) } }, ...rest]),
      fault: `wrong value for '${param}'`,
      // A flipped boolean both answers accept would not be wrong; BFCL answers list one boolean.
      expectedErrorType: inCall(type),
    });
  }
  return faults;
}

/** BFCL tool calling: one question, the functions offered as tools, and BFCL's AST checker. */
export const toolCallingSuite: Suite<ToolCallingCase> = {
  name: 'tool-calling',
  description:
    "BFCL-format function calling (simple, multiple, parallel, irrelevance, live), scored by a port of BFCL's AST checker",
  load: (dataDir = shippedToolCallingData) => loadBfclFolder(dataDir),
  request(testCase): GenerateRequest {
    return {
      messages: testCase.messages.map(toMessage),
      tools: bfclTools(testCase.functions).tools,
      toolChoice: 'auto',
    };
  },
  answer(testCase, result: GenerateResult): Answer {
    const { originalName } = bfclTools(testCase.functions);
    return {
      id: testCase.id,
      calls: result.toolCalls.map((call) => ({
        name: originalName.get(call.name) ?? call.name,
        args: call.args,
      })),
      text: result.text,
    };
  },
  check: (testCase, answer) =>
    checkBfclAnswer(testCase.category, testCase.functions, answer.calls, testCase.groundTruth),
  oracleAnswer: (testCase) => ({
    id: testCase.id,
    calls: oracleCalls(testCase),
    text: testCase.groundTruth ? '' : 'None of the available functions fits this question.',
  }),
  mutantAnswer(testCase, index) {
    const faults = mutations(testCase, oracleCalls(testCase));
    return faults[index % faults.length] as MutatedAnswer;
  },
  replay: (_testCase, answer) => ({
    text: answer.text,
    toolCalls: answer.calls.map((call, index) => ({
      id: `call_${index}`,
      name: toolNameFor(call.name),
      args: call.args,
    })),
  }),
};
