import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine, GenerateRequest } from '@hearth/engine';
import { modelHostPeakMemory } from '@hearth/model';
import { runEpisode } from './episode.js';
import { EvalDataError } from './errors/eval-data-error.js';
import type { FileHashCache } from './file-hash.js';
import type { SuiteRun } from './reference-models.js';
import { renderReportHtml } from './report/html.js';
import { renderReportMarkdown } from './report/markdown.js';
import type { ResultRecord } from './result-record.js';
import { type EvalCase, isMultiStep, runCase } from './suite.js';
import { type Summary, summarize } from './summary.js';

/** A model to evaluate: its name in the report, what the user asked for, and how to open it. */
export interface EvalModel {
  /** Unique within a run: the key of its results in summary.json. */
  name: string;
  /** A preset, `hf:` URI, `.gguf` path, a server's model id, or `oracle`/`mutant`. */
  spec: string;
  /** Its model files, hashed into summary.json (none for a server or a reference model). */
  files: string[];
  open(): Promise<Engine>;
}

export interface RunEvalsOptions {
  suites: SuiteRun[];
  models: EvalModel[];
  outDir: string;
  /** Times each case is answered by each model (default 1: greedy decoding; more: sampled with seed + trial). */
  trials?: number;
  seed?: number;
  maxTokens?: number;
  /** Hashes model files for summary.json; without it, files are listed unhashed. */
  hashCache?: FileHashCache;
  hearthCommit?: string | null;
  /** Called after each case is recorded (and with the cases a resumed run skips, once at the start). */
  onProgress?: (event: { done: number; total: number; record?: ResultRecord }) => void;
  /**
   * Answers the missing cases somewhere else instead of opening the models here (`hearth eval run
   * --queue`: over the run queue's workers, each calling {@link answerEvalCase}). It gets every
   * missing case of every model and calls `record` with each result as it arrives, in any order;
   * each is appended to results.jsonl at once, so a killed run resumes from what arrived.
   */
  answerElsewhere?: (
    pending: readonly PendingCase[],
    record: (result: ResultRecord) => Promise<void>,
  ) => Promise<void>;
}

/** A case a model has yet to answer, for {@link RunEvalsOptions.answerElsewhere}. */
export interface PendingCase {
  run: SuiteRun;
  testCase: EvalCase;
  model: EvalModel;
  trial: number;
}

/** How a case is asked, the same for every case of a run. */
export interface AnswerEvalCaseOptions {
  /** Trials per case: 1 decodes greedily, more sample with seed + trial. */
  trials: number;
  seed: number;
  maxTokens: number;
  /** Where a multi-step case's episode makes its working folder. */
  workRoot: string;
}

type AnsweredCase = Omit<
  ResultRecord,
  'suite' | 'id' | 'category' | 'model' | 'trial' | 'engine' | 'latencyMs'
>;

const requestInput = (request: GenerateRequest): ResultRecord['input'] => ({
  messages: request.messages,
  tools: request.tools?.map((tool) => tool.name) ?? [],
});

/**
 * Answers one case and checks it: one request for a single-turn case, the agent loop over a fresh
 * episode for a multi-step one.
 */
async function answerCase(
  run: SuiteRun,
  testCase: EvalCase,
  engine: Engine,
  requestOptions: Pick<GenerateRequest, 'sampling' | 'maxTokens'>,
  workRoot: string,
): Promise<AnsweredCase> {
  const { suite } = run;
  if (isMultiStep(suite)) {
    const episode = await runEpisode(suite, testCase, engine, requestOptions, { workRoot });
    const verdict = suite.check(testCase, { answer: episode.answer, endState: episode.endState });
    return {
      input: episode.input,
      output: { text: episode.answer.text, toolCalls: episode.toolCalls },
      calls: episode.answer.calls,
      steps: episode.steps,
      episode: { transcript: episode.transcript, stopReason: episode.stopReason },
      correct: verdict.correct,
      reason: verdict.reason,
      ...(verdict.errorType ? { errorType: verdict.errorType } : {}),
      promptTokens: episode.promptTokens,
      completionTokens: episode.completionTokens,
      tokensPerSecond: episode.tokensPerSecond,
      mtp: episode.mtp,
    };
  }
  const { request, result, answer } = await runCase(suite, testCase, engine, requestOptions);
  const verdict = suite.check(testCase, answer);
  return {
    input: requestInput(request),
    output: {
      text: result.text,
      ...(result.reasoning ? { reasoning: result.reasoning } : {}),
      toolCalls: result.toolCalls.map(({ name, args }) => ({ name, args })),
    },
    calls: answer.calls,
    steps: 1,
    correct: verdict.correct,
    reason: verdict.reason,
    ...(verdict.errorType ? { errorType: verdict.errorType } : {}),
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    tokensPerSecond: result.timings.decodeTokensPerSecond,
    mtp: result.mtp?.used ? { drafted: result.mtp.drafted, accepted: result.mtp.accepted } : null,
  };
}

/** The record of a case the model cannot take (no image or audio input): n/a, neither right nor wrong. */
function notApplicableRecord(
  base: Pick<ResultRecord, 'suite' | 'id' | 'category' | 'model' | 'trial' | 'engine'>,
  input: ResultRecord['input'],
  why: string,
): ResultRecord {
  return {
    ...base,
    input,
    output: { text: '', toolCalls: [] },
    calls: [],
    steps: 0,
    correct: false,
    reason: `n/a: ${why}`,
    notApplicable: why,
    latencyMs: 0,
    promptTokens: 0,
    completionTokens: 0,
    tokensPerSecond: 0,
    mtp: null,
    hostPeakRssBytes: null,
  };
}

/**
 * One case answered by one model, as its results.jsonl record: not asked (n/a) when the case needs input
 * the engine lacks, an `engine_error` record when the engine fails on it. Used by `runEvals` and by
 * whatever answers a case elsewhere (a queue worker).
 */
export async function answerEvalCase(
  run: SuiteRun,
  testCase: EvalCase,
  modelName: string,
  trial: number,
  engine: Engine,
  options: AnswerEvalCaseOptions,
): Promise<ResultRecord> {
  const sampling = options.trials === 1 ? { greedy: true } : { temperature: 0.7, seed: options.seed + trial };
  const base = {
    suite: run.suite.name,
    id: testCase.id,
    category: testCase.category,
    model: modelName,
    trial,
    engine: engine.info.engine,
  };
  const started = performance.now();
  const lacking = (run.suite.needs?.(testCase) ?? []).filter((need) => !engine.info.capabilities[need]);
  try {
    if (lacking.length > 0)
      // Not asked at all: the engine would refuse the media, and a refusal is not a wrong answer.
      return notApplicableRecord(
        base,
        isMultiStep(run.suite) ? { messages: [], tools: [] } : requestInput(run.suite.request(testCase)),
        `${modelName} takes no ${lacking.join(' or ')} input`,
      );
    const answered = await answerCase(
      run,
      testCase,
      engine,
      { sampling, maxTokens: options.maxTokens },
      options.workRoot,
    );
    return {
      ...base,
      ...answered,
      latencyMs: performance.now() - started,
      hostPeakRssBytes: await modelHostPeakMemory(engine),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      input: isMultiStep(run.suite) ? { messages: [], tools: [] } : requestInput(run.suite.request(testCase)),
      output: { text: '', toolCalls: [] },
      calls: [],
      steps: 0,
      correct: false,
      reason: `the engine failed on this case: ${message}`,
      errorType: 'engine_error',
      latencyMs: performance.now() - started,
      promptTokens: 0,
      completionTokens: 0,
      tokensPerSecond: 0,
      mtp: null,
      error: message,
    };
  }
}

export const resultKey = (record: Pick<ResultRecord, 'suite' | 'id' | 'model' | 'trial'>) =>
  JSON.stringify([record.suite, record.id, record.model, record.trial]);

/**
 * Reads the records a previous run of this folder finished. A last line cut short by a killed process is
 * dropped from the file, so appending continues on a clean line.
 */
async function readFinished(file: string): Promise<ResultRecord[]> {
  if (!existsSync(file)) return [];
  const text = await readFile(file, 'utf8');
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete.length !== text.length) await truncate(file, Buffer.byteLength(complete));
  const records: ResultRecord[] = [];
  for (const [index, line] of complete.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as ResultRecord);
    } catch {
      throw new EvalDataError(
        `${file}:${index + 1} is not a result record; move the file away to start this run afresh`,
      );
    }
  }
  return records;
}

/**
 * Runs every case of every suite against every model, the same cases in the same order, one model at a time
 * (two big models rarely fit in memory together). Each answer is appended to `outDir/results.jsonl` as it
 * finishes, so a killed run started again with the same `outDir` answers only what is missing; then
 * summary.json and report.md are written from all records. With `answerElsewhere`, the missing cases
 * of all models are handed to it at once instead (answered by other processes, in any order).
 */
export async function runEvals(options: RunEvalsOptions): Promise<Summary> {
  const names = options.models.map((model) => model.name);
  if (new Set(names).size !== names.length)
    throw new EvalDataError(`each model needs its own name, got ${names.join(', ')}`);
  const trials = options.trials ?? 1;
  const seed = options.seed ?? 0;
  await mkdir(options.outDir, { recursive: true });
  // Multi-step cases work in folders under the run's own; a killed run's leftovers go when it resumes.
  const workRoot = join(options.outDir, '.hearth-eval-episodes');
  await rm(workRoot, { recursive: true, force: true });
  await mkdir(workRoot);
  const resultsFile = join(options.outDir, 'results.jsonl');
  const finished = new Map((await readFinished(resultsFile)).map((record) => [resultKey(record), record]));
  const answerOptions = { trials, seed, maxTokens: options.maxTokens ?? 512, workRoot };
  // Every (suite, case, model, trial) in the run's one order: records are summarised in this order
  // whatever order they were answered in, so a resumed or queued run gives the same summary.
  const keysOf = (model: EvalModel) =>
    options.suites.flatMap((run) =>
      run.loaded.cases.flatMap((testCase) =>
        Array.from({ length: trials }, (_, trial) => ({
          run,
          testCase,
          model,
          trial,
          key: resultKey({ suite: run.suite.name, id: testCase.id, model: model.name, trial }),
        })),
      ),
    );
  const allKeys = options.models.flatMap(keysOf);
  const total = allKeys.length;
  const records = new Map<string, ResultRecord>();
  let done = 0;
  const engines = new Map<string, string>();
  const keep = async (record: ResultRecord) => {
    await appendFile(resultsFile, `${JSON.stringify(record)}\n`);
    records.set(resultKey(record), record);
    engines.set(record.model, record.engine);
    done += 1;
    options.onProgress?.({ done, total, record });
  };
  const takeFinished = (keys: typeof allKeys) => {
    const missing = keys.filter(({ key }) => !finished.has(key));
    for (const { key } of keys) {
      const record = finished.get(key);
      if (record) {
        records.set(key, record);
        engines.set(record.model, record.engine);
      }
    }
    done += keys.length - missing.length;
    options.onProgress?.({ done, total });
    return missing;
  };
  if (options.answerElsewhere) {
    const missing = takeFinished(allKeys);
    const expected = new Set(missing.map(({ key }) => key));
    if (missing.length > 0)
      await options.answerElsewhere(missing, async (record) => {
        const key = resultKey(record);
        // Each missing key once: a record for another key, or a second one, would skew the summary.
        if (!expected.delete(key))
          throw new EvalDataError(
            `a result arrived for ${key}, which ${records.has(key) ? 'already has one' : 'is not a case of this run'}`,
          );
        await keep(record);
      });
    if (expected.size > 0)
      throw new EvalDataError(
        `${expected.size} cases were not answered (first: ${[...expected][0]}); run again with the same --out to answer them`,
      );
  } else {
    for (const model of options.models) {
      const missing = takeFinished(keysOf(model));
      if (missing.length === 0) continue;
      const engine = await model.open();
      engines.set(model.name, engine.info.engine);
      try {
        for (const { run, testCase, trial } of missing)
          await keep(await answerEvalCase(run, testCase, model.name, trial, engine, answerOptions));
      } finally {
        await engine.close();
      }
    }
  }
  await rm(workRoot, { recursive: true, force: true });
  const files = new Map<string, Array<{ path: string; size?: number; sha256?: string }>>();
  for (const model of options.models)
    files.set(
      model.name,
      await Promise.all(
        model.files.map((path) => (options.hashCache ? options.hashCache.sha256(path) : { path })),
      ),
    );
  const summary = summarize({
    suites: options.suites,
    models: options.models.map((model) => ({
      name: model.name,
      spec: model.spec,
      engine: engines.get(model.name) ?? 'unknown',
      files: files.get(model.name) ?? [],
    })),
    records: allKeys.flatMap(({ key }) => records.get(key) ?? []),
    trials,
    seed,
    hearthCommit: options.hearthCommit ?? null,
  });
  await writeFile(join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(options.outDir, 'report.md'), renderReportMarkdown(summary));
  await writeFile(join(options.outDir, 'report.html'), await renderReportHtml(summary));
  return summary;
}
