import type { z } from 'zod';
import { EvalDataError } from './errors/eval-data-error.js';

/** A zod issue's path as a reader writes it: `turns[0].actions`, `files["../x.txt"]`. */
function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === 'number'
        ? `[${key}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(key))
          ? `${index === 0 ? '' : '.'}${String(key)}`
          : `[${JSON.stringify(String(key))}]`,
    )
    .join('');
}

/** The first problem zod found, with a record key's own message rather than "Invalid key in record". */
function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid task';
  const inner = issue.code === 'invalid_key' ? issue.issues[0] : undefined;
  return `${pathText(issue.path) || '(task)'}: ${inner?.message ?? issue.message}`;
}

/**
 * Reads a suite's tasks.json (a JSON array of tasks with unique `id`s), checking each against `schema`
 * and naming the file, the task (number and id) and the field of the first problem.
 */
export function parseTaskFile<T extends { id: string }>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
): T[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EvalDataError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new EvalDataError(`${file} must hold a JSON array of tasks`);
  const ids = new Set<string>();
  return raw.map((entry, index) => {
    const parsed = schema.safeParse(entry);
    if (!parsed.success) {
      const id = typeof entry?.id === 'string' ? ` (${entry.id})` : '';
      throw new EvalDataError(`${file}: task ${index + 1}${id}: ${firstProblem(parsed.error)}`);
    }
    if (ids.has(parsed.data.id)) throw new EvalDataError(`${file}: two tasks have the id ${parsed.data.id}`);
    ids.add(parsed.data.id);
    return parsed.data;
  });
}
