import type { Engine, GenerateRequest, GenerateResult } from '@hearth/engine';

/** One function call as a suite scores it: the function's name and its arguments. */
export interface AnswerCall {
  name: string;
  args: Record<string, unknown>;
}

/**
 * A model's answer to one case, in the answers-file format of `hearth eval score` (one JSON object a
 * line): `calls: []` when the model called nothing.
 */
export interface Answer {
  id: string;
  calls: AnswerCall[];
  text: string;
}

/** A checker's judgement of one answer: whether it is right and, either way, why. */
export interface Verdict {
  correct: boolean;
  reason: string;
  /** A short machine-readable kind of error (BFCL's `error_type`, e.g. `simple_function_checker:missing_required`). */
  errorType?: string;
}

/** One case of a suite: its id (unique within the suite) and the category it is reported under. */
export interface EvalCase {
  id: string;
  category: string;
}

/** A case found in the data that cannot be scored (its answer contradicts its own functions), and why. */
export interface UnscorableCase {
  id: string;
  category: string;
  reason: string;
}

/** A data file the suite does not score, and why (a category it does not support, no answers, ...). */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** A suite's cases as loaded from one data folder. */
export interface LoadedSuite<C extends EvalCase = EvalCase> {
  suite: string;
  /** Where the cases came from. */
  dataDir: string;
  /** Scorable cases, in a stable order (the order every model sees them in). */
  cases: C[];
  unscorable: UnscorableCase[];
  skipped: SkippedFile[];
}

/** A deliberately wrong answer made from a right one, naming the fault and the error type it must produce. */
export interface MutatedAnswer {
  answer: Answer;
  fault: string;
  /** The checker's `errorType` this fault is expected to cause. */
  expectedErrorType: string;
}

/**
 * A suite: where its cases come from, how a case becomes a request to an engine, how the engine's
 * result becomes an answer, and how an answer is checked. Every case has its own checker; there is no
 * model judge.
 */
export interface Suite<C extends EvalCase = EvalCase> {
  name: string;
  description: string;
  /** Reads the suite's cases from `dataDir` (default: the cases the suite ships). */
  load(dataDir?: string): Promise<LoadedSuite<C>>;
  /** The request one case sends to a model. */
  request(testCase: C): GenerateRequest;
  /** What the model answered, in the suite's terms. */
  answer(testCase: C, result: GenerateResult): Answer;
  check(testCase: C, answer: Answer): Verdict;
  /** The right answer (from the case's ground truth): what the `oracle` model says. */
  oracleAnswer(testCase: C): Answer;
  /** A wrong answer with a known fault: what the `mutant` model says. `index` picks among the faults that apply. */
  mutantAnswer(testCase: C, index: number): MutatedAnswer;
  /** The engine output that `answer` parses back into this answer (how the oracle and mutant engines reply). */
  replay(testCase: C, answer: Answer): Pick<GenerateResult, 'text' | 'toolCalls'>;
}

/** The `engineOptions` key under which each request names its suite and case (read by the oracle and mutant). */
export const evalCaseOption = 'hearth-evals-case';

/** Runs one case against an engine: the request, the raw result and the answer parsed from it. */
export async function runCase<C extends EvalCase>(
  suite: Suite<C>,
  testCase: C,
  engine: Engine,
  requestOptions: Pick<GenerateRequest, 'sampling' | 'maxTokens'>,
): Promise<{ request: GenerateRequest; result: GenerateResult; answer: Answer }> {
  const request = { ...suite.request(testCase), ...requestOptions };
  // Engines ignore options not keyed by their name; the oracle and mutant read which case this is, as some
  // data sets (BFCL) hold two cases with the same question and functions but different right answers.
  const result = await engine.generate({
    ...request,
    engineOptions: { ...request.engineOptions, [evalCaseOption]: { suite: suite.name, id: testCase.id } },
  });
  return { request, result, answer: suite.answer(testCase, result) };
}
