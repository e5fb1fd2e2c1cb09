import type { Engine, GenerateRequest, GenerateResult } from '@hearth/engine';
import {
  type AnySuite,
  type EvalCase,
  evalCaseOption,
  isMultiStep,
  type LoadedSuite,
  type ScriptedTurn,
} from './suite.js';

/** A loaded suite with the suite that reads it. */
export interface SuiteRun<C extends EvalCase = EvalCase> {
  suite: AnySuite<C>;
  loaded: LoadedSuite<C>;
}

type Reply = Pick<GenerateResult, 'text' | 'toolCalls' | 'reasoning'>;

/**
 * Which case and turn a request is: the suite, case id and (multi-step cases) step the harness puts in
 * its engine options.
 */
function caseOf(request: GenerateRequest): { key: string; step: number } | undefined {
  const option = request.engineOptions?.[evalCaseOption] as
    | { suite?: unknown; id?: unknown; step?: unknown }
    | undefined;
  if (!option || typeof option.suite !== 'string' || typeof option.id !== 'string') return undefined;
  return {
    key: JSON.stringify([option.suite, option.id]),
    step: typeof option.step === 'number' ? option.step : 0,
  };
}

/** A scripted turn as an engine's result: its calls get ids, as a model's tool calls do. */
const turnReply = (turn: ScriptedTurn, step: number): Reply => ({
  text: turn.text,
  toolCalls: turn.calls.map((call, index) => ({ id: `call_${step}_${index}`, ...call })),
});

/**
 * An engine that answers each case of the given suites from a fixed script (one reply, or one per turn of a
 * multi-step case), through the same request and parse path a model's reply takes. For `oracle` and `mutant` only: a request it does not know is an error.
 */
function answeringEngine(
  name: string,
  runs: readonly SuiteRun[],
  scriptFor: (run: SuiteRun, testCase: EvalCase, index: number) => Reply[],
): Engine {
  const scripts = new Map<string, Reply[]>();
  for (const run of runs)
    for (const [index, testCase] of run.loaded.cases.entries())
      scripts.set(JSON.stringify([run.suite.name, testCase.id]), scriptFor(run, testCase, index));
  const generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    const which = caseOf(request);
    const script = which === undefined ? undefined : scripts.get(which.key);
    if (!which || !script)
      throw new Error(`the ${name} model answers only the loaded suites' cases, run by the eval harness`);
    const reply = script[which.step];
    if (!reply)
      throw new Error(
        `the ${name} model's script for ${which.key} has ${script.length} turn(s); the loop asked for turn ${which.step + 1}`,
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

/** The oracle's replies in one case: the ground-truth answer, or a multi-step case's ground-truth turns. */
function oracleReplies(run: SuiteRun, testCase: EvalCase): Reply[] {
  const { suite } = run;
  if (isMultiStep(suite)) return suite.oracleTurns(testCase).map(turnReply);
  return [suite.replay(testCase, suite.oracleAnswer(testCase))];
}

/** The mutant's replies in one case; the last reply's text names the fault and the error it must cause. */
function mutantReplies(run: SuiteRun, testCase: EvalCase, index: number): Reply[] {
  const { suite } = run;
  const says = (fault: string, expected: string) => `mutant fault: ${fault} (expect ${expected})`;
  if (isMultiStep(suite)) {
    const mutated = suite.mutantTurns(testCase, index);
    const replies = mutated.turns.map(turnReply);
    const last = replies.at(-1);
    if (last) last.text = says(mutated.fault, mutated.expectedErrorType);
    return replies;
  }
  const mutated = suite.mutantAnswer(testCase, index);
  // The note goes in the reasoning: a short-answer suite (screen-qa, spoken) checks the text itself.
  return [
    {
      ...suite.replay(testCase, mutated.answer),
      reasoning: says(mutated.fault, mutated.expectedErrorType),
    },
  ];
}

/** `oracle`: answers every case from its ground truth. Must score 100%: each case is solvable and each checker accepts a right answer. */
export function oracleEngine(runs: readonly SuiteRun[]): Engine {
  return answeringEngine('oracle', runs, oracleReplies);
}

/**
 * `mutant`: answers every case with one known fault applied to the oracle's answer (cycling through the
 * faults that apply), and says which: in its reasoning (a single-turn case), or as its last reply (a
 * multi-step case). Must score 0%, each failure's reason naming the fault.
 */
export function mutantEngine(runs: readonly SuiteRun[]): Engine {
  return answeringEngine('mutant', runs, mutantReplies);
}
