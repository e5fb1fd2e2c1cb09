import type { ToolDefinition } from '@hearth/core';
import type { ContentPart, Engine, GenerateRequest, GenerateResult } from '@hearth/engine';

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

/** What a case needs from the model besides text: a model without it marks the case n/a, not failed. */
export type MediaNeed = 'image' | 'audio';

/** Where a suite keeps what it makes from its data (screenshots, speech), and how it makes speech. */
export interface SuiteContext {
  /**
   * A folder for media the suite renders once and reuses (the run's output folder for `hearth eval run`,
   * so a resumed run answers from the same files).
   */
  mediaDir: string;
  /**
   * Speaks text into a 16 kHz mono WAV under `dir` and returns its path. Given by the caller because the
   * synthesiser (espeak-ng through the testkit) is not a library dependency; suites that need it say so.
   */
  speak?: (text: string, dir: string) => Promise<string>;
}

/**
 * A suite: where its cases come from, how a case becomes a request to an engine, how the engine's
 * result becomes an answer, and how an answer is checked. Every case has its own checker; there is no
 * model judge.
 */
export interface Suite<C extends EvalCase = EvalCase> {
  kind?: 'single-turn';
  name: string;
  description: string;
  /**
   * Reads the suite's cases from `dataDir` (default: the cases the suite ships). Suites whose cases carry
   * media render it here, into `context.mediaDir`.
   */
  load(dataDir?: string, context?: SuiteContext): Promise<LoadedSuite<C>>;
  /** The media a case puts before the model; a model that cannot take it gets the case as n/a (default: none). */
  needs?(testCase: C): MediaNeed[];
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

/**
 * One model turn of a multi-step case as the `oracle` and `mutant` replay it: tool calls (then the loop
 * runs them and asks the model again), or, with no calls, a text reply to the user.
 */
export interface ScriptedTurn {
  text: string;
  calls: AnswerCall[];
}

/**
 * Ground-truth actions and a reply as the oracle replays them: each action as its own tool turn (so later actions may
 * use earlier results, as a model's would), then the text reply.
 */
export const actionTurns = (actions: readonly AnswerCall[], reply: string): ScriptedTurn[] => [
  ...actions.map((action) => ({ text: '', calls: [action] })),
  { text: reply, calls: [] },
];

/**
 * The world one multi-step case runs in, made fresh for each case x model x trial (a copy of the shop's
 * database, a temporary work folder): the agent's instructions, the tools it may call, the user's
 * scripted turns and how to read the end state the checker compares.
 */
export interface Episode<State = unknown> {
  /** The system prompt: the agent's role and the policy it must follow. */
  system: string;
  /**
   * The user's turns in order: the first opens the conversation; each next one is said after the agent
   * replies with text (no tool call). When none is left, the agent's text reply ends the case.
   */
  userTurns: Array<string | ContentPart[]>;
  tools: ToolDefinition[];
  /** Model turns (tool-calling and replying) allowed before the case is stopped and checked as it stands. */
  maxSteps: number;
  /** What the checker compares with the expected end state: database rows, files written. */
  endState(): Promise<State>;
  /** Releases the episode's resources (closes the database); the harness removes its work folder. */
  close(): Promise<void>;
}

/**
 * A multi-step case's answer in the answers-file format: the tool calls that succeeded, in the order
 * made, and the agent's text replies to the user (joined by newlines), plus the end state they left.
 */
export interface EpisodeOutcome<State = unknown> {
  answer: Answer;
  endState: State;
}

/** A deliberately wrong script made from the right one, naming the fault and the error type it must produce. */
export interface MutatedScript {
  turns: ScriptedTurn[];
  fault: string;
  expectedErrorType: string;
}

/**
 * A suite whose cases are episodes: an agent loop over the engine with tools that change a real world
 * (a database, files) and scripted user turns, scored by the end state (no model judge). The harness
 * runs the loop (`runEpisode`): the model's tool calls go through a Hearth `ToolRegistry`, their results
 * back to the model, until it replies with text and the user has nothing left to say, or `maxSteps`.
 */
export interface MultiStepSuite<C extends EvalCase = EvalCase, State = unknown> {
  kind: 'multi-step';
  name: string;
  description: string;
  load(dataDir?: string, context?: SuiteContext): Promise<LoadedSuite<C>>;
  /** The media a case's user turns carry; a model that cannot take it gets the case as n/a (default: none). */
  needs?(testCase: C): MediaNeed[];
  /** Sets up a fresh world for one run of the case in `workDir` (an empty temporary folder). */
  episode(testCase: C, workDir: string): Promise<Episode<State>>;
  check(testCase: C, outcome: EpisodeOutcome<State>): Verdict;
  /** The ground-truth turns (what the `oracle` says, turn by turn). */
  oracleTurns(testCase: C): ScriptedTurn[];
  /** Ground truth with one known fault (what the `mutant` says). `index` picks among the faults that apply. */
  mutantTurns(testCase: C, index: number): MutatedScript;
}

/** Any suite the harness runs. */
export type AnySuite<C extends EvalCase = EvalCase> = Suite<C> | MultiStepSuite<C>;

export const isMultiStep = <C extends EvalCase>(suite: AnySuite<C>): suite is MultiStepSuite<C> =>
  suite.kind === 'multi-step';
