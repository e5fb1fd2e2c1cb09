import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EvalDataError } from '../errors/eval-data-error.js';
import { readJsonLines } from '../json-lines.js';
import type { LoadedSuite, SkippedFile, UnscorableCase } from '../suite.js';
import { impossibleAnswerReason } from './bfcl-checker.js';
import type { BfclFunction, BfclGroundTruth, ToolCallingCase } from './bfcl-types.js';

/** The BFCL categories this port scores with the AST checker (irrelevance ones: no call is right). */
export const scoredCategories = [
  'simple_python',
  'multiple',
  'parallel',
  'parallel_multiple',
  'irrelevance',
  'live_simple',
  'live_multiple',
  'live_parallel',
  'live_parallel_multiple',
  'live_irrelevance',
] as const;

const irrelevanceCategories = new Set(['irrelevance', 'live_irrelevance']);

/** Why a BFCL file this port does not score is skipped. */
function skipReason(category: string): string {
  if (category.startsWith('multi_turn'))
    return "multi-turn: needs BFCL's stateful API executors, not an AST check of one turn";
  if (category.startsWith('memory')) return "memory: needs BFCL's memory backends and several turns";
  if (category.startsWith('web_search'))
    return 'web search: needs live web access and a judge of the final answer';
  if (category.startsWith('format_sensitivity'))
    return 'format sensitivity: prompt-format variants, not an AST category';
  if (
    category === 'simple_java' ||
    category === 'simple_javascript' ||
    category === 'java' ||
    category === 'javascript'
  )
    return 'Java/JavaScript: BFCL checks these with language-specific type rules this port does not implement';
  if (category.includes('relevance'))
    return 'relevance: no possible_answer file (any call passes), so there is nothing to check';
  return 'not a category this port scores';
}

const fileName = /^BFCL_v4_(.+)\.json$/;

function caseFrom(row: Record<string, unknown>, category: string, file: string): ToolCallingCase {
  const { id, question, function: functions } = row;
  if (typeof id !== 'string') throw new EvalDataError(`${file}: a case has no string "id"`);
  const firstTurn = Array.isArray(question) ? question[0] : undefined;
  if (!Array.isArray(firstTurn) || firstTurn.length === 0)
    throw new EvalDataError(`${file}: case ${id} has no "question" as [[{role, content}]]`);
  if (!Array.isArray(functions))
    throw new EvalDataError(`${file}: case ${id} has no "function" list of {name, description, parameters}`);
  return {
    id,
    category,
    messages: firstTurn as ToolCallingCase['messages'],
    functions: functions as BfclFunction[],
  };
}

/**
 * Reads a folder in BFCL's layout: `BFCL_v4_<category>.json` (JSON Lines of cases) and
 * `possible_answer/BFCL_v4_<category>.json` (JSON Lines of `{id, ground_truth}`). Files of the scored
 * categories become cases, in file-name then line order; every other file is listed as skipped with
 * its reason, and a case whose answer cannot be met is listed as unscorable.
 */
export async function loadBfclFolder(dataDir: string): Promise<LoadedSuite<ToolCallingCase>> {
  let entries: string[];
  try {
    entries = (await readdir(dataDir)).sort();
  } catch (error) {
    throw new EvalDataError(
      `cannot read the tool-calling data folder ${dataDir}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const cases: ToolCallingCase[] = [];
  const unscorable: UnscorableCase[] = [];
  const skipped: SkippedFile[] = [];
  for (const entry of entries) {
    if (entry === 'possible_answer') continue;
    const category = fileName.exec(entry)?.[1];
    if (!category) {
      skipped.push({ file: entry, reason: 'not a BFCL_v4_<category>.json data file' });
      continue;
    }
    if (!(scoredCategories as readonly string[]).includes(category)) {
      skipped.push({ file: entry, reason: skipReason(category) });
      continue;
    }
    const file = join(dataDir, entry);
    const answerFile = join(dataDir, 'possible_answer', entry);
    const needsAnswers = !irrelevanceCategories.has(category);
    if (needsAnswers && !existsSync(answerFile)) {
      skipped.push({ file: entry, reason: `no possible_answer/${entry} to score it against` });
      continue;
    }
    const answers = new Map<string, BfclGroundTruth>();
    if (needsAnswers)
      for (const row of await readJsonLines(answerFile, { keepWholeFloats: true })) {
        if (typeof row.id !== 'string' || !Array.isArray(row.ground_truth))
          throw new EvalDataError(`${answerFile}: every line needs a string "id" and a "ground_truth" list`);
        answers.set(row.id, row.ground_truth as BfclGroundTruth);
      }
    for (const row of await readJsonLines(file)) {
      const testCase = caseFrom(row, category, file);
      if (!needsAnswers) {
        cases.push(testCase);
        continue;
      }
      const groundTruth = answers.get(testCase.id);
      const impossible = groundTruth
        ? impossibleAnswerReason(testCase.functions, groundTruth)
        : `no ground truth for ${testCase.id} in possible_answer/${entry}`;
      if (impossible) unscorable.push({ id: testCase.id, category, reason: impossible });
      else cases.push({ ...testCase, groundTruth: groundTruth as BfclGroundTruth });
    }
  }
  if (cases.length === 0 && unscorable.length === 0)
    throw new EvalDataError(
      `${dataDir} holds no scorable BFCL cases (expected BFCL_v4_<category>.json files of ${scoredCategories.join(', ')})`,
    );
  return { suite: 'tool-calling', dataDir, cases, unscorable, skipped };
}
