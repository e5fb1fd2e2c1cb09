import type { Engine, GenerateRequest, GenerateResult } from '@hearth/engine';
import type { Answer, EvalCase, LoadedSuite, Suite } from './suite.js';

/** A loaded suite with the suite that reads it. */
export interface SuiteRun<C extends EvalCase = EvalCase> {
  suite: Suite<C>;
  loaded: LoadedSuite<C>;
}

/** Which case a request is: its messages and offered tools, as the suite builds them. */
const requestKey = (request: GenerateRequest) =>
  JSON.stringify({ messages: request.messages, tools: request.tools?.map((tool) => tool.name) ?? [] });

/**
 * An engine that answers each case of the given suites with a fixed answer, through the same request and
 * parse path a model's reply takes. For `oracle` and `mutant` only: a request it does not know is an error.
 */
function answeringEngine(
  name: string,
  runs: readonly SuiteRun[],
  answerFor: (run: SuiteRun, testCase: EvalCase, index: number) => Answer,
): Engine {
  const replies = new Map<string, Pick<GenerateResult, 'text' | 'toolCalls'>>();
  for (const run of runs)
    for (const [index, testCase] of run.loaded.cases.entries())
      replies.set(
        requestKey(run.suite.request(testCase)),
        run.suite.replay(testCase, answerFor(run, testCase, index)),
      );
  const generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    const reply = replies.get(requestKey(request));
    if (!reply)
      throw new Error(
        `the ${name} model knows only the loaded suites' cases; this request is not one of them`,
      );
    return {
      ...reply,
      finishReason: reply.toolCalls.length > 0 ? 'tool_calls' : 'stop',
      usage: { promptTokens: 0, completionTokens: 0 },
      timings: { prefillMs: 0, decodeMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 0 },
      mtp: null,
      model: name,
    };
  };
  return {
    info: {
      engine: name,
      model: name,
      contextSize: 0,
      capabilities: { image: true, audio: true, tools: true, jsonSchema: true, thinking: false, mtp: false },
    },
    generate,
    async *stream(request) {
      yield { type: 'done', result: await generate(request) };
    },
    close: async () => {},
  };
}

/** `oracle`: answers every case from its ground truth. Must score 100%: each case is solvable and each checker accepts a right answer. */
export function oracleEngine(runs: readonly SuiteRun[]): Engine {
  return answeringEngine('oracle', runs, (run, testCase) => run.suite.oracleAnswer(testCase));
}

/**
 * `mutant`: answers every case with one known fault applied to the oracle's answer (cycling through the
 * faults that apply), and says which in its text. Must score 0%, each failure's reason naming the fault.
 */
export function mutantEngine(runs: readonly SuiteRun[]): Engine {
  return answeringEngine('mutant', runs, (run, testCase, index) => {
    const mutated = run.suite.mutantAnswer(testCase, index);
    return {
      ...mutated.answer,
      text: `mutant fault: ${mutated.fault} (expect ${mutated.expectedErrorType})`,
    };
  });
}
