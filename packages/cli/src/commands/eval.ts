import { execFileSync } from 'node:child_process';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hearthHome } from '@hearth/engine';
import {
  type EvalModel,
  evalModel,
  FileHashCache,
  loadSuites,
  type ResultRecord,
  readAnswersFile,
  runEvals,
  type Summary,
  scoreAnswers,
  suites,
} from '@hearth/evals';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { answerOverQueue } from '../eval/queued-eval.js';
import { suiteContext } from '../eval/suite-context.js';
import { integerOption } from '../number-option.js';
import { ExitCode, printJson } from '../output.js';
import { openQueueFrom, type QueueFlags, queueOptionHelp } from '../run/queue-connection.js';

interface RunOptions extends QueueFlags {
  suite: string[];
  candidate: string;
  baseline: string;
  model: string[];
  cases?: number;
  trials: number;
  seed: number;
  maxTokens: number;
  data?: string;
  engine?: 'openai';
  baseUrl?: string;
  apiKey?: string;
  out?: string;
  json?: boolean;
  queue?: boolean;
}

interface ScoreOptions {
  suite: string;
  data?: string;
  answers: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const write = (line = '') => process.stdout.write(`${line}\n`);
const percent = (value: number | null | undefined) =>
  value == null ? 'n/a' : `${(value * 100).toFixed(1)}%`;

/**
 * The commit of the Hearth checkout this CLI runs from, or null when it is not run from one: an
 * installed CLI (under node_modules) would otherwise report the commit of the user's project.
 */
function hearthCommit(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  if (here.split(sep).includes('node_modules')) return null;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: here,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Progress on stderr: a redrawn bar on a TTY, else one line per case (logs and CI keep every line). */
function progressReporter(json: boolean) {
  const tty = Boolean(process.stderr.isTTY) && !json;
  return (event: { done: number; total: number; record?: ResultRecord }) => {
    const { done, total, record } = event;
    if (tty) {
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const verdict = record?.notApplicable ? 'n/a' : record?.correct ? 'ok' : 'wrong';
      const last = record ? ` ${record.model} ${record.id} ${verdict}` : '';
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${last}\u001b[K`,
      );
      if (done === total) process.stderr.write('\n');
    } else if (record) {
      process.stderr.write(
        `[eval] ${done}/${total} ${record.suite} ${record.id} ${record.model}#${record.trial}: ${record.notApplicable ? record.reason : record.correct ? 'correct' : `wrong (${record.reason})`}\n`,
      );
    }
  };
}

function printSummary(summary: Summary, outDir: string): void {
  for (const [name, model] of Object.entries(summary.models)) {
    const [low, high] = model.wilson95 ?? [null, null];
    write(
      `${name}: ${percent(model.successRate)} (${model.correct}/${model.scored}, 95% ${percent(low)}-${percent(high)}), ` +
        `latency p50 ${model.latencyMs.p50?.toFixed(0) ?? 'n/a'} ms, ${model.tokensPerSecond?.toFixed(1) ?? 'n/a'} tokens/s`,
    );
  }
  if (summary.comparison) {
    const { first, second, difference, interval95 } = summary.comparison;
    write(
      `${first} - ${second}: ${(difference * 100).toFixed(1)} points (95% paired bootstrap ${(interval95[0] * 100).toFixed(1)} to ${(interval95[1] * 100).toFixed(1)})`,
    );
  }
  write(`report: ${join(outDir, 'report.html')} (report.md, summary.json, results.jsonl beside it)`);
}

/** `hearth eval run`: exported for tests. */
export async function evalRunCommand(options: RunOptions): Promise<void> {
  const suiteNames = options.suite.length > 0 ? options.suite : Object.keys(suites);
  if (options.data && suiteNames.length !== 1)
    throw new UsageError(
      `--data reads one suite's cases; name that suite with --suite (got ${suiteNames.join(', ')})`,
    );
  if (options.engine === 'openai' && !options.baseUrl)
    throw new UsageError(
      "--engine openai needs --base-url, the server's API root (e.g. http://127.0.0.1:11434/v1)",
    );
  if (options.queue && options.apiKey)
    throw new UsageError(
      '--api-key is not sent over the queue (it would be stored in Postgres): set OPENAI_API_KEY for the workers instead',
    );
  const specs = [options.candidate, options.baseline, ...options.model];
  if (new Set(specs).size !== specs.length)
    throw new UsageError(
      `each model may be named once (got ${specs.join(', ')}); compare two different models`,
    );
  const outDir =
    options.out ??
    join(
      hearthHome(),
      'evals',
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeName(options.candidate)}-vs-${safeName(options.baseline)}`,
    );
  // Screenshots and speech are made once, in the report folder: a resumed run answers from the same files.
  const runs = await loadSuites(suiteNames, {
    ...(options.data ? { dataDir: options.data } : {}),
    ...(options.cases ? { cases: options.cases } : {}),
    context: suiteContext(join(outDir, 'media')),
  });
  const modelOptions =
    options.engine === 'openai'
      ? { engine: 'openai' as const, baseUrl: options.baseUrl, apiKey: options.apiKey }
      : {};
  const queue = options.queue ? await openQueueFrom(options) : undefined;
  if (options.queue && !queue)
    throw new UsageError(
      '--queue needs the run queue: set HEARTH_REDIS_URL and HEARTH_POSTGRES_URL (or --redis-url and --postgres-url), ' +
        'and start hearth worker processes against it',
    );
  let summary: Summary;
  try {
    // Queued: the workers open the models, so nothing is resolved or downloaded here (and no file is hashed).
    const models = queue
      ? specs.map(
          (spec): EvalModel => ({
            name: spec,
            spec,
            files: [],
            open: () => Promise.reject(new Error(`${spec} is opened by the queue's workers`)),
          }),
        )
      : await Promise.all(specs.map((spec) => evalModel(spec, runs, modelOptions)));
    summary = await runEvals({
      suites: runs,
      models,
      outDir,
      trials: options.trials,
      seed: options.seed,
      maxTokens: options.maxTokens,
      hashCache: new FileHashCache(join(hearthHome(), 'evals', 'file-hashes.json')),
      hearthCommit: hearthCommit(),
      onProgress: progressReporter(Boolean(options.json)),
      ...(queue
        ? {
            answerElsewhere: answerOverQueue(queue, {
              outDir,
              trials: options.trials,
              seed: options.seed,
              maxTokens: options.maxTokens,
              ...(options.cases ? { cases: options.cases } : {}),
              ...(options.data ? { data: options.data } : {}),
              ...(options.engine === 'openai' && options.baseUrl ? { baseUrl: options.baseUrl } : {}),
              log: (line) => process.stderr.write(`[eval] ${line}\n`),
            }),
          }
        : {}),
    });
  } finally {
    await queue?.close();
  }
  if (options.json)
    printJson({
      out: outDir,
      files: Object.fromEntries(
        ['report.html', 'report.md', 'summary.json', 'results.jsonl'].map((name) => [
          name,
          join(outDir, name),
        ]),
      ),
      ...summary,
    });
  else printSummary(summary, outDir);
}

/** `hearth eval score`: scores an answers file made anywhere; exported for tests. */
export async function evalScoreCommand(options: ScoreOptions): Promise<void> {
  const [run] = await loadSuites([options.suite], {
    ...(options.data ? { dataDir: options.data } : {}),
    context: suiteContext(join(hearthHome(), 'evals', 'media')),
  });
  if (!run) return;
  const answers = await readAnswersFile(options.answers);
  const report = await scoreAnswers(run, answers);
  if (options.json) {
    printJson({
      suite: report.suite,
      accuracy: report.accuracy,
      categories: report.categories,
      cases: report.cases.map(({ id, correct, reason }) => ({ id, correct, reason })),
      unmatched: report.unmatched,
      unscorable: run.loaded.unscorable,
      skipped: run.loaded.skipped,
    });
    return;
  }
  write(
    `${report.suite}: ${percent(report.accuracy.rate)} (${report.accuracy.correct}/${report.accuracy.scored})`,
  );
  for (const [category, rate] of Object.entries(report.categories))
    write(`  ${category}: ${percent(rate.rate)} (${rate.correct}/${rate.scored})`);
  for (const entry of report.cases.filter((item) => !item.correct))
    write(`  wrong ${entry.id}: ${entry.reason}`);
  if (report.unmatched.length > 0) write(`  answers for no scorable case: ${report.unmatched.join(', ')}`);
}

async function evalListCommand(options: { data?: string; json?: boolean }): Promise<void> {
  const names = Object.keys(suites);
  const runs = await loadSuites(names, {
    ...(options.data ? { dataDir: options.data } : {}),
    context: suiteContext(join(hearthHome(), 'evals', 'media')),
  });
  const listing = runs.map(({ suite, loaded }) => ({
    name: suite.name,
    description: suite.description,
    dataDir: loaded.dataDir,
    cases: loaded.cases.length,
    categories: Object.fromEntries(
      [...new Set(loaded.cases.map((testCase) => testCase.category))].map((category) => [
        category,
        loaded.cases.filter((testCase) => testCase.category === category).length,
      ]),
    ),
    unscorable: loaded.unscorable.length,
    skipped: loaded.skipped,
  }));
  if (options.json) return printJson(listing);
  for (const suite of listing) {
    write(`${suite.name}: ${suite.cases} cases (${suite.description})`);
    for (const [category, count] of Object.entries(suite.categories)) write(`  ${category}: ${count}`);
  }
}

/** `hearth eval`: run suites against a candidate and a baseline model, score answers, list suites. */
export function registerEvalCommand(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description(
      'evaluate models on the same cases (tool calling in BFCL format, screen QA, spoken, a stateful shop agent, multi-step planning) ' +
        'and write a report; `hearth eval` is `hearth eval run`',
    );
  evalCommand
    .command('run', { isDefault: true })
    .description(
      'run suites against a candidate and a baseline model, the same cases in the same order; writes results.jsonl (appended as ' +
        'cases finish: run again with the same --out to resume a killed run), summary.json, report.md and report.html ' +
        '(charts, offline); cases needing image or audio input a model lacks are n/a, not failed',
    )
    .option(
      '--suite <name>',
      `a suite to run, repeatable (default: all: ${Object.keys(suites).join(', ')})`,
      collect,
      [],
    )
    .option(
      '--candidate <model>',
      'the model under test: preset, hf: URI, .gguf path, a server model id, or oracle/mutant',
      'gemma-4-12b',
    )
    .option('--baseline <model>', 'the model it is compared with', 'gemma-4-26b-a4b')
    .option('--model <model>', 'a further model to run on the same cases, repeatable', collect, [])
    .option(
      '--cases <n>',
      'at most this many cases per suite, spread over its categories',
      integerOption('a case count', 1),
    )
    .option(
      '--trials <n>',
      'answers per case and model (1: greedy; more: sampled, seed + trial, and the report gives pass^k)',
      integerOption('a trial count', 1),
      1,
    )
    .option('--seed <n>', 'seed of the sampling and of the bootstrap', integerOption('a seed', 0), 0)
    .option(
      '--max-tokens <n>',
      'most tokens per model turn (a multi-step case takes several)',
      integerOption('a token count', 1),
      512,
    )
    .option(
      '--data <dir>',
      "read the suite's cases from this folder (tool-calling: official BFCL_v4_*.json files; stateful: shop.sql, policy.md, tasks.json; planning: tasks.json)",
    )
    .addOption(
      new Option('--engine <engine>', 'openai: the models are ids on an OpenAI-compatible server').choices([
        'openai',
      ]),
    )
    .option('--base-url <url>', 'the server for --engine openai, e.g. http://127.0.0.1:11434/v1')
    .option('--api-key <key>', 'bearer token for --engine openai')
    .option('--out <dir>', 'report folder (default: $HEARTH_HOME/evals/<time>-<candidate>-vs-<baseline>)')
    .option(
      '--json',
      'print summary.json, with the report folder as "out" and its files as "files", instead of a short summary (no progress bar)',
    )
    .option(
      '--queue',
      "spread the cases over the run queue's workers (hearth worker; each opens the models named here, one per model per worker); " +
        'results arrive in results.jsonl as they finish, and a killed eval run again with the same --out takes up its queued cases',
    )
    .option('--redis-url <url>', `with --queue: ${queueOptionHelp.redisUrl}`)
    .option('--postgres-url <url>', `with --queue: ${queueOptionHelp.postgresUrl}`)
    .addHelpText(
      'after',
      `\nExit codes: ${ExitCode.success} done (whatever the scores), ${ExitCode.failure} --queue: the queue unreachable or a case failed on the workers, ` +
        `${ExitCode.usage} bad flags or data, ${ExitCode.model} a model failed to load.\n` +
        'Example: hearth eval --candidate gemma-4-12b --baseline gemma-4-26b-a4b --cases 50\n' +
        'Checks without weights: hearth eval --candidate oracle --baseline mutant --out /tmp/eval (oracle must score 100%, mutant 0%)\n' +
        'Over workers: HEARTH_REDIS_URL=... HEARTH_POSTGRES_URL=... hearth eval --cases 200 --queue (with hearth worker running on\n' +
        '  each machine; --data must be a path the workers read; a server model needs OPENAI_API_KEY on the workers)',
    )
    .action((options: RunOptions) => evalRunCommand(options));
  evalCommand
    .command('score')
    .description(
      'score an answers file (JSON Lines of {"id", "calls": [{"name", "args"}], "text"}, e.g. from another framework or a saved run) ' +
        "and print per-category accuracy and each case's verdict",
    )
    .option('--suite <name>', 'the suite the answers are for', 'tool-calling')
    .option('--data <dir>', "read the suite's cases from this folder (default: the cases it ships)")
    .requiredOption('--answers <file>', 'the answers file')
    .option('--json', 'print {accuracy, categories, cases: [{id, correct, reason}], unmatched}')
    .action((options: ScoreOptions) => evalScoreCommand(options));
  evalCommand
    .command('list')
    .description('list the suites and their case counts by category')
    .option('--data <dir>', 'count the cases in this folder instead of the shipped ones')
    .option('--json', 'print the list as JSON')
    .action((options: { data?: string; json?: boolean }) => evalListCommand(options));
}
