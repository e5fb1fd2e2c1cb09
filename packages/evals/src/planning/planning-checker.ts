import { isDeepStrictEqual } from 'node:util';
import { saysFact } from '../says-fact.js';
import type { Answer, AnswerCall, Verdict } from '../suite.js';
import type { FileCheck, PlanningTask, WorkFolder } from './planning-task.js';

const normalPath = (path: string) => path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');

/** Whether `call` is `wanted`: the same tool, and every argument `wanted` names equal (paths without a leading ./). */
function callMatches(call: AnswerCall, wanted: AnswerCall): boolean {
  if (call.name !== wanted.name) return false;
  return Object.entries(wanted.args).every(([name, value]) => {
    const given = call.args[name];
    return name === 'path' && typeof value === 'string' && typeof given === 'string'
      ? normalPath(given) === normalPath(value)
      : isDeepStrictEqual(given, value);
  });
}

/** Why a file's content is not what the check wants, or null when it is. */
export function fileProblem(check: FileCheck, content: string): string | null {
  const shown = JSON.stringify(content.length > 120 ? `${content.slice(0, 120)}…` : content);
  if (check.equals !== undefined)
    return content.trim() === check.equals.trim()
      ? null
      : `${check.path} holds ${shown}, expected ${JSON.stringify(check.equals)}`;
  if (check.number !== undefined) {
    const text = content.trim();
    const value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    return Math.abs(value - check.number) <= 1e-9 * Math.max(1, Math.abs(check.number))
      ? null
      : `${check.path} holds ${shown}, expected the number ${check.number} alone`;
  }
  if (check.lines !== undefined) {
    const lines = content
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return isDeepStrictEqual(
      lines,
      check.lines.map((line) => line.trim()),
    )
      ? null
      : `${check.path} holds the lines ${JSON.stringify(lines)}, expected ${JSON.stringify(check.lines)}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return `${check.path} is not JSON: ${shown}`;
  }
  return isDeepStrictEqual(parsed, check.json)
    ? null
    : `${check.path} holds ${JSON.stringify(parsed)}, expected ${JSON.stringify(check.json)}`;
}

/**
 * A planning case's verdict, from the end state and the answer alone (no model judge), in this order:
 * every required step was taken (`step_missing`), every expected file exists (`file_missing`) with the
 * right content (`file_content`), the answer states the values asked for (`answer_missing_value`) and
 * cites the steps asked for (`step_not_cited`).
 */
export function checkPlanningOutcome(
  task: PlanningTask,
  outcome: { answer: Answer; endState: WorkFolder },
): Verdict {
  const { answer, endState } = outcome;
  for (const wanted of task.expect.calls)
    if (!answer.calls.some((call) => callMatches(call, wanted)))
      return {
        correct: false,
        reason: `a required step was not taken (or failed): ${wanted.name}(${JSON.stringify(wanted.args)})`,
        errorType: 'step_missing',
      };
  for (const check of task.expect.files) {
    const content = endState[normalPath(check.path)];
    if (content === undefined)
      return {
        correct: false,
        reason: `${check.path} was not written (the work folder has ${Object.keys(endState).sort().join(', ') || 'no files'})`,
        errorType: 'file_missing',
      };
    const problem = fileProblem(check, content);
    if (problem) return { correct: false, reason: problem, errorType: 'file_content' };
  }
  const missingValues = task.expect.answerIncludes.filter((value) => !saysFact(answer.text, value));
  if (missingValues.length > 0)
    return {
      correct: false,
      reason: `the answer does not state ${missingValues.map((value) => JSON.stringify(value)).join(', ')}`,
      errorType: 'answer_missing_value',
    };
  const uncited = task.expect.cites.filter((step) => !saysFact(answer.text, step));
  if (uncited.length > 0)
    return {
      correct: false,
      reason: `the answer does not cite ${uncited.map((step) => JSON.stringify(step)).join(', ')}`,
      errorType: 'step_not_cited',
    };
  return {
    correct: true,
    reason: `the ${task.expect.files.length} file(s) hold what they should${task.expect.calls.length > 0 ? ', the required steps were taken' : ''}${task.expect.answerIncludes.length + task.expect.cites.length > 0 ? ', and the answer states and cites what it should' : ''}`,
  };
}
