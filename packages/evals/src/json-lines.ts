import { readFile } from 'node:fs/promises';
import { EvalDataError } from './errors/eval-data-error.js';
import { parseJsonKeepingWholeFloats } from './whole-float.js';

/** Parses a JSON Lines file into objects (blank lines skipped); a bad line names the file and line number. */
export async function readJsonLines(
  file: string,
  options: { keepWholeFloats?: boolean } = {},
): Promise<Array<Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EvalDataError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseJsonLines(text, file, options);
}

/** `keepWholeFloats`: numbers such as `6.0` become `WholeFloat`s (see whole-float.ts), for answers files. */
export function parseJsonLines(
  text: string,
  source: string,
  options: { keepWholeFloats?: boolean } = {},
): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
      if (options.keepWholeFloats) value = parseJsonKeepingWholeFloats(line);
    } catch (error) {
      throw new EvalDataError(
        `${source}:${index + 1} is not JSON (${(error as Error).message}); expected one JSON object per line`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new EvalDataError(
        `${source}:${index + 1} is not a JSON object; expected one JSON object per line`,
      );
    rows.push(value as Record<string, unknown>);
  }
  return rows;
}
