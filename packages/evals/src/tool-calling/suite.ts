import { fileURLToPath } from 'node:url';
import type { GenerateRequest, GenerateResult, Message } from '@hearth/engine';
import type { Answer, AnswerCall, MutatedAnswer, Suite } from '../suite.js';
import { checkBfclAnswer } from './bfcl-checker.js';
import { bfclTools, toolNameFor } from './bfcl-schema.js';
import type { BfclFunction, ToolCallingCase } from './bfcl-types.js';
import { loadBfclFolder } from './load-bfcl.js';

/**
 * The cases this repository ships, written in BFCL's format: `evals/tool-calling/data` at the repository
 * root (the same path from `src/` and `dist/`).
 */
export const shippedToolCallingData = fileURLToPath(
  new URL('../../../../evals/tool-calling/data', import.meta.url),
);

function toMessage(turn: { role: string; content: string }): Message {
  if (turn.role === 'system') return { role: 'system', content: turn.content };
  if (turn.role === 'assistant') return { role: 'assistant', content: turn.content };
  return { role: 'user', content: turn.content };
}

/** The first acceptable value that is not `""`, made concrete all the way down (dicts hold lists of acceptable values). */
function concreteValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(concreteValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, accepted] of Object.entries(value as Record<string, unknown[]>)) {
      const chosen = accepted.find((item) => item !== '');
      if (chosen !== undefined) out[key] = concreteValue(chosen);
    }
    return out;
  }
  return value;
}

function oracleCalls(testCase: ToolCallingCase): AnswerCall[] {
  return (testCase.groundTruth ?? []).map((entry) => {
    const [name, params] = Object.entries(entry)[0] as [string, Record<string, unknown[]>];
    return { name, args: concreteValue(params) as Record<string, unknown> };
  });
}

/** A value no BFCL answer accepts, of the same JSON type as `value`. */
function wrongValueFor(value: unknown): unknown {
  if (typeof value === 'string') return `${value} (mutant)`;
  if (typeof value === 'number') return value + 7919;
  if (typeof value === 'boolean') return !value;
  return 'mutant value';
}

const describe = (functions: readonly BfclFunction[], name: string) =>
  functions.find((fn) => fn.name === name);

/**
 * The faults the `mutant` model applies, each with the checker error it must cause. Each one is made from
 * the oracle's right answer, so a checker that lets any of them through is wrong.
 */
function mutations(testCase: ToolCallingCase, right: AnswerCall[]): MutatedAnswer[] {
  const answer = (calls: AnswerCall[]): Answer => ({ id: testCase.id, calls, text: '' });
  if (!testCase.groundTruth) {
    const fn = testCase.functions[0] as BfclFunction;
    return [
      {
        answer: answer([{ name: fn.name, args: {} }]),
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
