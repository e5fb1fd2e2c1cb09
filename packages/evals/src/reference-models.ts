import type { Engine, GenerateRequest, GenerateResult } from '@hearth/engine';
import { type Answer, type EvalCase, evalCaseOption, type LoadedSuite, type Suite } from './suite.js';

/** A loaded suite with the suite that reads it. */
export interface SuiteRun<C extends EvalCase = EvalCase> {
  suite: Suite<C>;
  loaded: LoadedSuite<C>;
}

/** Which case a request is: the suite and case id the harness puts in its engine options. */
function caseKeyOf(request: GenerateRequest): string | undefined {
  const option = request.engineOptions?.[evalCaseOption] as { suite?: unknown; id?: unknown } | undefined;
  return option && typeof option.suite === 'string' && typeof option.id === 'string'
    ? JSON.stringify([option.suite, option.id])
    : undefined;
}

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
        JSON.stringify([run.suite.name, testCase.id]),
        run.suite.replay(testCase, answerFor(run, testCase, index)),
      );
  const generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    const key = caseKeyOf(request);
    const reply = key === undefined ? undefined : replies.get(key);
    if (!reply)
      throw new Error(`the ${name} model answers only the loaded suites' cases, run by the eval harness`);
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
