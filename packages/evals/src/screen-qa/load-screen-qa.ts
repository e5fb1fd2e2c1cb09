import { join } from 'node:path';
import { EvalDataError } from '../errors/eval-data-error.js';
import { readJsonLines } from '../json-lines.js';
import { numbersIn, type ShortAnswerKind } from '../short-answer/short-answer.js';
import type { LoadedSuite } from '../suite.js';
import { type PageToRender, renderPages } from './render-pages.js';
import type { ScreenQaCase } from './screen-qa-types.js';

interface CaseRow {
  id: string;
  category: string;
  page: string;
  question: string;
  kind: ShortAnswerKind;
  answer: string;
}

function caseRow(row: Record<string, unknown>, where: string): CaseRow {
  const name = typeof row.id === 'string' ? `${where} (${row.id})` : where;
  for (const field of ['id', 'category', 'page', 'question', 'answer'])
    if (typeof row[field] !== 'string' || (row[field] as string).trim() === '')
      throw new EvalDataError(`${name} needs a non-empty string "${field}"`);
  if (row.kind !== 'number' && row.kind !== 'text')
    throw new EvalDataError(`${name} needs "kind": "number" or "text", got ${JSON.stringify(row.kind)}`);
  return row as unknown as CaseRow;
}

/**
 * Reads a screen-qa folder: `cases.jsonl` (one case a line: `id`, `category`, `page` under `pages/`,
 * `question`, `kind` and `answer`, a JavaScript expression evaluated in the rendered page whose value is
 * the right answer), renders each page once in Chromium into `mediaDir` and reads the answers there.
 */
export async function loadScreenQaFolder(
  dataDir: string,
  mediaDir: string,
): Promise<LoadedSuite<ScreenQaCase>> {
  const file = join(dataDir, 'cases.jsonl');
  const rows = (await readJsonLines(file)).map((row, index) => caseRow(row, `${file}:${index + 1}`));
  if (rows.length === 0) throw new EvalDataError(`${file} has no cases`);
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.id)) throw new EvalDataError(`${file}: two cases have the id "${row.id}"`);
    seen.add(row.id);
  }
  const pages = new Map<string, PageToRender>();
  for (const row of rows) {
    const page = pages.get(row.page) ?? { file: row.page, expressions: [] };
    page.expressions.push(row.answer);
    pages.set(row.page, page);
  }
  const rendered = await renderPages(join(dataDir, 'pages'), [...pages.values()], mediaDir);
  const cases = rows.map((row): ScreenQaCase => {
    const page = rendered.get(row.page);
    const value = page?.values.get(row.answer);
    if (!page || value === undefined)
      throw new EvalDataError(`case ${row.id}: page ${row.page} was not rendered`);
    let expected = value;
    if (row.kind === 'number') {
      const numbers = numbersIn(value);
      if (numbers.length !== 1)
        throw new EvalDataError(
          `case ${row.id} is a number question, but its answer expression gives ${JSON.stringify(value)} on ${row.page}`,
        );
      expected = String(numbers[0]);
    }
    return {
      id: row.id,
      category: row.category,
      question: row.question,
      page: row.page,
      kind: row.kind,
      expected,
      screenshot: page.screenshot,
    };
  });
  return { suite: 'screen-qa', dataDir, cases, unscorable: [], skipped: [] };
}
