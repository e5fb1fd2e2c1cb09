import { replayAnswer } from './episode.js';
import { EvalDataError } from './errors/eval-data-error.js';
import { readJsonLines } from './json-lines.js';
import { planningSuite } from './planning/suite.js';
import type { SuiteRun } from './reference-models.js';
import { screenQaSuite } from './screen-qa/suite.js';
import { spokenSuite } from './spoken/suite.js';
import { statefulSuite } from './stateful/suite.js';
import {
  type Answer,
  type AnySuite,
  type EvalCase,
  isMultiStep,
  type SuiteContext,
  type Verdict,
} from './suite.js';
import { type Rate, rateOf } from './summary.js';
import { toolCallingSuite } from './tool-calling/suite.js';

/** Every suite `hearth eval` knows, by name. */
export const suites: Record<string, AnySuite<never>> = {
  'tool-calling': toolCallingSuite as AnySuite<never>,
  'screen-qa': screenQaSuite as AnySuite<never>,
  spoken: spokenSuite as AnySuite<never>,
  stateful: statefulSuite as AnySuite<never>,
  planning: planningSuite as AnySuite<never>,
};

export function suiteNamed(name: string): AnySuite<EvalCase> {
  const suite = suites[name];
  if (!suite)
    throw new EvalDataError(
      `no eval suite named "${name}"; the suites are ${Object.keys(suites).join(', ')}`,
    );
  return suite as AnySuite<EvalCase>;
}

/**
 * At most `count` cases, taken in turn from each category (in the order categories first appear), so a
 * short run still covers every category; the cases keep their original order.
 */
export function firstCasesAcrossCategories<C extends EvalCase>(cases: readonly C[], count: number): C[] {
  if (count >= cases.length) return [...cases];
  const byCategory = new Map<string, C[]>();
  for (const testCase of cases)
    byCategory.set(testCase.category, [...(byCategory.get(testCase.category) ?? []), testCase]);
  const chosen = new Set<C>();
  for (let round = 0; chosen.size < count; round++)
    for (const group of byCategory.values()) {
      const testCase = group[round];
      if (testCase && chosen.size < count) chosen.add(testCase);
    }
  return cases.filter((testCase) => chosen.has(testCase));
}

/**
 * Loads the named suites (from `dataDir` when given, else the cases each ships), keeping at most `cases` per
 * suite; suites with media render it into `context.mediaDir` (screenshots, speech).
 */
export async function loadSuites(
  names: readonly string[],
  options: { dataDir?: string; cases?: number; context?: SuiteContext } = {},
): Promise<SuiteRun[]> {
  return Promise.all(
    names.map(async (name) => {
      const suite = suiteNamed(name);
      const loaded = await suite.load(options.dataDir, options.context);
      const cases =
        options.cases === undefined ? loaded.cases : firstCasesAcrossCategories(loaded.cases, options.cases);
      return { suite, loaded: { ...loaded, cases } };
    }),
  );
}

export interface ScoreReport {
  suite: string;
  accuracy: Rate;
  categories: Record<string, Rate>;
  /** Every scorable case, in order; a case with no answer in the file is wrong. */
  cases: Array<{ id: string; category: string; correct: boolean; reason: string }>;
  /** Answer ids that are not scorable cases of the suite (unscorable, skipped or unknown). */
  unmatched: string[];
}

/**
 * Scores answers made anywhere (another framework, a saved run) against a loaded suite. A multi-step
 * case's answer is scored by replaying its calls against a fresh episode and checking the end state.
 */
export async function scoreAnswers(run: SuiteRun, answers: readonly Answer[]): Promise<ScoreReport> {
  const byId = new Map(answers.map((answer) => [answer.id, answer]));
  const { suite } = run;
  const cases = [];
  for (const testCase of run.loaded.cases) {
    const answer = byId.get(testCase.id);
    const verdict: Verdict = !answer
      ? { correct: false, reason: 'no answer for this case in the answers file' }
      : isMultiStep(suite)
        ? await replayAnswer(suite, testCase, answer)
        : suite.check(testCase, answer);
    cases.push({
      id: testCase.id,
      category: testCase.category,
      correct: verdict.correct,
      reason: verdict.reason,
    });
  }
  const known = new Set(run.loaded.cases.map((testCase) => testCase.id));
  const categories = new Map<string, boolean[]>();
  for (const entry of cases)
    categories.set(entry.category, [...(categories.get(entry.category) ?? []), entry.correct]);
  return {
    suite: run.suite.name,
    accuracy: rateOf(cases.map((entry) => entry.correct)),
    categories: Object.fromEntries([...categories].map(([name, results]) => [name, rateOf(results)])),
    cases,
    unmatched: answers.map((answer) => answer.id).filter((id) => !known.has(id)),
  };
}

/** Reads answers-file rows (`{id, calls: [{name, args}], text}`), naming the line of a malformed one. */
export function parseAnswers(rows: ReadonlyArray<Record<string, unknown>>, source: string): Answer[] {
  return rows.map((row, index) => {
    const where = `${source}: answer ${index + 1}`;
    if (typeof row.id !== 'string') throw new EvalDataError(`${where} has no string "id"`);
    const calls = row.calls ?? [];
    if (!Array.isArray(calls))
      throw new EvalDataError(`${where} (${row.id}): "calls" must be a list of {name, args}`);
    for (const call of calls)
      if (
        typeof call?.name !== 'string' ||
        typeof call.args !== 'object' ||
        call.args === null ||
        Array.isArray(call.args)
      )
        throw new EvalDataError(`${where} (${row.id}): each call needs a string "name" and an object "args"`);
    return {
      id: row.id,
      calls: calls as Answer['calls'],
      text: typeof row.text === 'string' ? row.text : '',
    };
  });
}

/** Reads an answers file (JSON Lines), keeping `6.0` a float as BFCL's Python checker would see it. */
export async function readAnswersFile(file: string): Promise<Answer[]> {
  return parseAnswers(await readJsonLines(file, { keepWholeFloats: true }), file);
}
