import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunQueue, type QueuedRun, type RunQueue } from '@hearth/queue';
import { startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvalResults, readEvalSummary } from './test-support/eval-output.js';
import { type HearthProcess, runHearth, startHearth } from './test-support/hearth-binary.js';
import { runHearthInProcess } from './test-support/run-in-process.js';

interface ResultLine {
  suite: string;
  id: string;
  model: string;
  trial: number;
  engine: string;
  correct: boolean;
}

interface SummaryJson {
  models: Record<
    string,
    { successRate: number | null; correct: number; scored: number; categories: unknown }
  >;
  comparison: unknown;
  suites: Record<string, { cases: number }>;
}

let dir: string;
let urls: { redisUrl: string; postgresUrl: string };
let queue: RunQueue | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-eval-queue-test-'));
  urls = await startServices({ dir: join(dir, 'services') });
});

afterAll(async () => {
  await queue?.close();
  await stopServices(join(dir, 'services')).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** Each test its own queue, so the runs a test counts are its own. */
const queueEnv = (queueName: string) => ({
  HEARTH_REDIS_URL: urls.redisUrl,
  HEARTH_POSTGRES_URL: urls.postgresUrl,
  HEARTH_QUEUE_NAME: queueName,
});

const readResults = (out: string) => readEvalResults<ResultLine>(out);
const readSummary = (out: string) => readEvalSummary<SummaryJson>(out);

async function startWorkers(queueName: string, count: number, args: string[] = []): Promise<HearthProcess[]> {
  const workers = Array.from({ length: count }, (_, index) =>
    startHearth(['worker', '--workdir-root', join(dir, queueName, `worker-${index}`), ...args], {
      env: queueEnv(queueName),
    }),
  );
  await Promise.all(workers.map((worker) => worker.stderrMatch(/worker \S+ started/)));
  return workers;
}

async function evalCaseRuns(queueName: string): Promise<QueuedRun[]> {
  await queue?.close();
  queue = await openRunQueue({ ...urls, queueName });
  return (await queue.list({ limit: 1000 })).filter((run) => run.target === 'hearth-eval-case');
}

describe('hearth eval run --queue', () => {
  it('without a queue configured, says which variables to set (exit 2)', async () => {
    const result = await runHearth(
      ['eval', '--suite', 'tool-calling', '--candidate', 'oracle', '--baseline', 'mutant', '--queue'],
      { env: { HEARTH_REDIS_URL: '', HEARTH_POSTGRES_URL: '' } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--queue needs the run queue: set HEARTH_REDIS_URL and HEARTH_POSTGRES_URL',
    );
  });

  it('with a Redis that does not answer, names it and exits 1', async () => {
    const result = await runHearth(
      ['eval', '--suite', 'tool-calling', '--candidate', 'oracle', '--baseline', 'mutant', '--queue'],
      { env: { HEARTH_REDIS_URL: 'redis://127.0.0.1:1', HEARTH_POSTGRES_URL: urls.postgresUrl } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });

  it("oracle vs mutant over two workers: the local run's numbers, each case answered once; a killed eval takes up its queued cases", async () => {
    const queueName = 'eval-oracle-mutant';
    const args = (out: string) => [
      'eval',
      'run',
      '--suite',
      'tool-calling',
      '--candidate',
      'oracle',
      '--baseline',
      'mutant',
      '--cases',
      '12',
      '--out',
      out,
      '--json',
    ];
    const localOut = join(dir, 'local');
    await runHearthInProcess(args(localOut));
    const local = readSummary(localOut);

    // The eval enqueues its 24 cases and is killed before any worker runs: nothing is answered yet.
    const queuedOut = join(dir, 'queued');
    const first = startHearth([...args(queuedOut), '--queue'], { env: queueEnv(queueName) });
    await first.stderrMatch(/24 cases queued/);
    first.child.kill('SIGKILL');
    await first.closed;
    expect((await evalCaseRuns(queueName)).map((run) => run.status)).toEqual(Array(24).fill('queued'));

    const workers = await startWorkers(queueName, 2);
    const second = await runHearth([...args(queuedOut), '--queue'], { env: queueEnv(queueName) });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).out).toBe(queuedOut);

    const summary = readSummary(queuedOut);
    expect(summary.models.oracle).toMatchObject({ successRate: 1, correct: 12, scored: 12 });
    expect(summary.models.mutant).toMatchObject({ successRate: 0, correct: 0, scored: 12 });
    for (const model of ['oracle', 'mutant']) {
      const { successRate, correct, scored, categories } = summary.models[model] ?? {};
      expect({ successRate, correct, scored, categories }).toEqual({
        successRate: local.models[model]?.successRate,
        correct: local.models[model]?.correct,
        scored: local.models[model]?.scored,
        categories: local.models[model]?.categories,
      });
    }
    expect(summary.comparison).toEqual(local.comparison);

    // Each case once: 24 result lines with 24 keys, from 24 runs each delivered once (the second eval
    // found the runs the first had enqueued rather than adding its own).
    const results = readResults(queuedOut);
    expect(new Set(results.map((r) => JSON.stringify([r.suite, r.id, r.model, r.trial]))).size).toBe(24);
    expect(results).toHaveLength(24);
    const runs = await evalCaseRuns(queueName);
    expect(runs).toHaveLength(24);
    expect(runs.every((run) => run.status === 'done' && run.deliveries === 1)).toBe(true);
    const pids = workers.map((worker) => `:${worker.child.pid}:`);
    expect(runs.every((run) => pids.some((pid) => run.worker?.includes(pid)))).toBe(true);
    const perWorker = pids.map((pid) => runs.filter((run) => run.worker?.includes(pid)).length);
    console.log(`cases per worker: ${perWorker.join(', ')}`);

    // Run again on the finished folder: nothing is enqueued, the report is written again.
    const third = await runHearth([...args(queuedOut), '--queue'], { env: queueEnv(queueName) });
    expect(third.code, third.stderr).toBe(0);
    expect(readResults(queuedOut)).toHaveLength(24);
    expect(await evalCaseRuns(queueName)).toHaveLength(24);
  }, 300_000);

  it('the tiny model through the queue, and a model the workers cannot open stops the eval naming the case', async () => {
    const queueName = 'eval-tiny';
    const [worker] = await startWorkers(queueName, 1);
    const out = join(dir, 'tiny');
    const result = await runHearth(
      [
        'eval',
        '--suite',
        'tool-calling',
        '--candidate',
        'tiny',
        '--baseline',
        'oracle',
        '--cases',
        '2',
        '--max-tokens',
        '24',
        '--queue',
        '--out',
        out,
        '--json',
      ],
      { env: queueEnv(queueName) },
    );
    expect(result.code, `${result.stderr}\n--- worker ---\n${worker?.stderr()}`).toBe(0);
    const summary = readSummary(out);
    expect(summary.models.tiny?.scored).toBe(2);
    expect(summary.models.oracle?.successRate).toBe(1);
    const tiny = readResults(out).filter((record) => record.model === 'tiny');
    expect(tiny).toHaveLength(2);
    // Answered by a llama.cpp engine in the worker, not by a reference model.
    expect(tiny.every((record) => record.engine !== 'oracle' && record.engine !== 'unknown')).toBe(true);
    const tinyRuns = (await evalCaseRuns(queueName)).filter((run) => run.model === 'tiny');
    expect(tinyRuns.map((run) => run.status)).toEqual(['done', 'done']);

    const missing = await runHearth(
      [
        'eval',
        '--suite',
        'tool-calling',
        '--candidate',
        'oracle',
        '--baseline',
        'no-such-model',
        '--cases',
        '1',
        '--queue',
        '--out',
        join(dir, 'missing'),
      ],
      { env: queueEnv(queueName) },
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /case tool-calling \S+ no-such-model#0 failed on the workers \(run eval-[0-9a-f]+/,
    );
    expect(missing.stderr).toContain('no-such-model');
    // The oracle's case was answered and kept.
    expect(readResults(join(dir, 'missing')).map((record) => record.model)).toEqual(['oracle']);
  }, 400_000);
});
