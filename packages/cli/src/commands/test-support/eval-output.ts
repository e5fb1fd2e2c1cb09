import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The records an eval run wrote to `<out>/results.jsonl`, in order, as the test's own view of them. */
export const readEvalResults = <ResultRecord>(out: string): ResultRecord[] =>
  readFileSync(join(out, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ResultRecord);

/** The `<out>/summary.json` an eval run wrote, as the test's own view of it. */
export const readEvalSummary = <Summary>(out: string): Summary =>
  JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
