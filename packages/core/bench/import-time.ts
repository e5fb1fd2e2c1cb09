/**
 * Import-time benchmark (printed, never asserted): how long `await import('@hearth/core')` takes in a
 * fresh Node.js process, against `@langchain/langgraph` alone (which core is built on). Each sample is
 * a new process; the two are alternated so machine load falls on both alike. Target: core <= 1.2x.
 * Run: npm run bench -w @hearth/core  (imports the built package: run `npm run build` first)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const samples = Number(process.env.BENCH_IMPORT_SAMPLES ?? 15);
const importOnce = fileURLToPath(new URL('./import-once.mjs', import.meta.url));
const specifiers = ['@hearth/core', '@langchain/langgraph'] as const;

function importMilliseconds(specifier: string): number {
  return Number(execFileSync(process.execPath, [importOnce, specifier], { encoding: 'utf8' }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const times = new Map<string, number[]>(specifiers.map((specifier) => [specifier, []]));
for (let sample = 0; sample < samples; sample++) {
  for (const specifier of specifiers) times.get(specifier)?.push(importMilliseconds(specifier));
}
const [core, langgraph] = specifiers.map((specifier) => median(times.get(specifier) ?? []));
console.log(`\nimport() in a fresh process, median of ${samples}:`);
for (const specifier of specifiers) {
  console.log(
    `  ${specifier.padEnd(22)} ${median(times.get(specifier) ?? [])
      .toFixed(0)
      .padStart(5)} ms`,
  );
}
console.log(
  `  ratio core / langgraph  ${((core as number) / (langgraph as number)).toFixed(2)}x (target <= 1.2x)`,
);
