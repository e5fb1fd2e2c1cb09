import { join } from 'node:path';
import { EvalDataError } from '../errors/eval-data-error.js';
import { readJsonLines } from '../json-lines.js';
import type { LoadedSuite, SuiteContext, UnscorableCase } from '../suite.js';
import { impossibleAnswerReason } from '../tool-calling/bfcl-checker.js';
import type { BfclFunction, BfclGroundTruth } from '../tool-calling/bfcl-types.js';
import type { SpokenCase } from './spoken-types.js';

const text = (row: Record<string, unknown>, field: string, where: string): string => {
  const value = row[field];
  if (typeof value !== 'string' || value.trim() === '')
    throw new EvalDataError(`${where} needs a non-empty string "${field}"`);
  return value;
};

/** The case's two forms (audio first), sharing its words and answer. */
function spokenForms(row: Record<string, unknown>, where: string): SpokenCase[] {
  const id = text(row, 'id', where);
  const at = `${where} (${id})`;
  const category = text(row, 'category', at);
  const say = text(row, 'say', at);
  const context = row.context === undefined ? undefined : text(row, 'context', at);
  let answer: Pick<SpokenCase, 'shortAnswer' | 'toolCall'>;
  if (row.function !== undefined || row.ground_truth !== undefined) {
    if (!Array.isArray(row.function) || !Array.isArray(row.ground_truth))
      throw new EvalDataError(
        `${at}: a tool-call case needs "function" (BFCL functions) and "ground_truth" (BFCL answers), both lists`,
      );
    const functions = row.function as BfclFunction[];
    answer = {
      toolCall: {
        id,
        // The BFCL checker's rules for one expected call: `multiple` finds it among several functions.
        category: functions.length > 1 ? 'multiple' : 'simple_python',
        messages: [{ role: 'user', content: say }],
        functions,
        groundTruth: row.ground_truth as BfclGroundTruth,
      },
    };
  } else {
    if (row.kind !== 'number' && row.kind !== 'text')
      throw new EvalDataError(`${at} needs "kind": "number" or "text" (or "function" and "ground_truth")`);
    answer = { shortAnswer: { kind: row.kind, expected: text(row, 'answer', at) } };
  }
  const form = (variant: SpokenCase['variant']): SpokenCase => ({
    id: `${id}.${variant}`,
    category: `${variant}/${category}`,
    variant,
    say,
    ...(context ? { context } : {}),
    ...answer,
  });
  return [form('audio'), form('transcript')];
}

/**
 * Reads a spoken folder: `cases.jsonl`, one case a line (`id`, `category`, `say`, then either `kind` and
 * `answer` or BFCL `function` and `ground_truth`; `context` is reference text for the system prompt).
 * Each case becomes an audio form, whose words are spoken into a WAV under `mediaDir` with
 * `context.speak`, and a transcript form.
 */
export async function loadSpokenFolder(
  dataDir: string,
  context: SuiteContext,
): Promise<LoadedSuite<SpokenCase>> {
  const file = join(dataDir, 'cases.jsonl');
  const forms = (await readJsonLines(file)).flatMap((row, index) => spokenForms(row, `${file}:${index + 1}`));
  if (forms.length === 0) throw new EvalDataError(`${file} has no cases`);
  const ids = new Set<string>();
  for (const form of forms) {
    if (ids.has(form.id))
      throw new EvalDataError(`${file}: two cases have the id "${form.id.split('.')[0]}"`);
    ids.add(form.id);
  }
  const unscorable: UnscorableCase[] = [];
  const scorable = forms.filter((form) => {
    const call = form.toolCall;
    const reason = call?.groundTruth ? impossibleAnswerReason(call.functions, call.groundTruth) : null;
    if (reason) unscorable.push({ id: form.id, category: form.category, reason });
    return reason === null;
  });
  const { speak } = context;
  if (!speak)
    throw new TypeError(
      'the spoken suite needs context.speak, a speech synthesiser (hearth eval gives it espeak-ng through the testkit)',
    );
  const speechDir = join(context.mediaDir, 'spoken');
  const cases: SpokenCase[] = [];
  // One at a time: espeak-ng and sox are quick, and the cache makes a second load free.
  for (const form of scorable)
    cases.push(form.variant === 'audio' ? { ...form, audio: await speak(form.say, speechDir) } : form);
  return { suite: 'spoken', dataDir, cases, unscorable, skipped: [] };
}
