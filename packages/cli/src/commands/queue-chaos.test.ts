// The run queue under chaos, on a real Redis and Postgres: `hearth worker` processes SIGKILLed at
// seeded random moments and restarted, Redis restarted mid-run. Nothing here measures time: pacing
// is random, and every wait is for a condition, with a generous limit against a hang.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openRunQueue, type QueuedRun } from '@hearth/queue';
import { restartRedis, startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectSteps } from './test-support/effect-workflow.js';
import { type HearthProcess, runHearth } from './test-support/hearth-binary.js';
import { queueEnv, startQueueWorker, type TestQueue } from './test-support/queue-workers.js';
import { until } from './test-support/until.js';

const effectWorkflow = fileURLToPath(new URL('./test-support/effect-workflow.ts', import.meta.url));

const RUNS = 30;
const WORKERS = 3;
const CONCURRENCY = 2;
const MAX_KILLS = 9;
/** After this many kills, Redis is restarted (once). */
const REDIS_RESTART_AFTER = 3;

/** A small seeded generator (mulberry32): the same kill schedule on every run of the test. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

let dir: string;
let services: string;
let queue: TestQueue;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-queue-chaos-'));
  services = join(dir, 'services');
  queue = { ...(await startServices({ dir: services })), queueName: `chaos-${process.pid}` };
}, 120_000);

afterAll(async () => {
  await stopServices(services).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('the run queue under chaos', () => {
  it('30 runs on 3 workers SIGKILLed at random and restarted, Redis restarted mid-run: every run done, each side effect once', async () => {
    const home = join(dir, 'home');
    const effects = join(dir, 'effects');
    mkdirSync(effects, { recursive: true });
    const workerOptions = { home, workdirRoot: join(dir, 'workdirs'), concurrency: CONCURRENCY };
    // Every worker process that ever ran, for their logs.
    const started: HearthProcess[] = [];
    const startWorker = async () => {
      const worker = await startQueueWorker(queue, workerOptions);
      started.push(worker);
      return worker;
    };
    const workers = await Promise.all(Array.from({ length: WORKERS }, startWorker));

    const client = await openRunQueue(queue);
    // chaos-0 waits after its first call until the gate goes: its worker is killed there first, so
    // a re-delivery answered from the ledger happens for certain, and the gate keeps the chaos going
    // (one run unfinished) until the Redis restart and one more kill have happened.
    const gate = join(effects, 'gates', 'chaos-0');
    mkdirSync(join(effects, 'gates'));
    writeFileSync(gate, '');
    try {
      for (let index = 0; index < RUNS; index++) {
        const run = `chaos-${index}`;
        // Generous attempts: a run may be on a killed worker several times (each resumes its checkpoint).
        await client.enqueue({
          target: effectWorkflow,
          runId: run,
          input: { dir: effects, run, holdMs: 1_500 },
          attempts: 20,
        });
      }
      const finished = async () =>
        (await client.list({ limit: 1000 })).filter((run) => run.status === 'done').length;

      const random = seededRandom(20261201);
      let kills = 0;
      let redisRestarts = 0;
      const kill = async (index: number) => {
        const victim = workers[index] as HearthProcess;
        victim.child.kill('SIGKILL');
        await victim.closed;
        kills += 1;
        workers[index] = await startWorker();
      };
      await until('chaos-0 to make its first call', async () =>
        existsSync(join(effects, 'raw-calls.log')) &&
        lines(join(effects, 'raw-calls.log')).includes('chaos-0 p1')
          ? true
          : undefined,
      );
      const holder = (await client.get('chaos-0'))?.worker?.split(':')[1];
      const holderIndex = workers.findIndex((worker) => String(worker.child.pid) === holder);
      expect(holderIndex, `the worker running chaos-0 (${holder}) is one of ours`).toBeGreaterThanOrEqual(0);
      await kill(holderIndex);
      while (kills < MAX_KILLS && (await finished()) < RUNS) {
        await sleep(300 + random() * 2_500);
        if (kills === REDIS_RESTART_AFTER && redisRestarts === 0) {
          await restartRedis(services);
          redisRestarts += 1;
        }
        await kill(Math.floor(random() * WORKERS));
        if (redisRestarts === 1 && kills > REDIS_RESTART_AFTER) rmSync(gate, { force: true });
      }
      rmSync(gate, { force: true });
      // The chaos must have happened for the test to mean anything.
      expect(kills).toBeGreaterThanOrEqual(REDIS_RESTART_AFTER + 1);
      expect(redisRestarts).toBe(1);

      const runs = await until(
        'every run to finish',
        async () => {
          const all = await client.list({ limit: 1000 });
          const failed = all.filter((run) => run.status === 'failed' || run.status === 'cancelled');
          if (failed.length > 0)
            throw new Error(`runs ended without finishing: ${JSON.stringify(failed.map(brief))}`);
          return all.filter((run) => run.status === 'done').length === RUNS ? all : undefined;
        },
        600_000,
      );
      for (const run of runs) expect(run.output, run.runId).toMatchObject({ done: effectSteps });

      // Each (run, step) took effect exactly once, whatever the kills and re-deliveries.
      const applied = lines(join(effects, 'effects.log'));
      expect(new Set(applied).size).toBe(applied.length);
      expect(applied.length).toBe(RUNS * effectSteps.length);

      // Raw tool calls: one per step, plus at most one per run interrupted mid-call by a kill (the
      // window between a call and its ledger write). Calls recorded in the ledger are not made again.
      const rawCalls = lines(join(effects, 'raw-calls.log')).length;
      const reused = started
        .flatMap((worker) => [...worker.stderr().matchAll(/(\d+) tool result\(s\) reused from the ledger/g)])
        .reduce((sum, match) => sum + Number(match[1]), 0);
      const deliveries = runs.reduce((sum, run) => sum + run.deliveries, 0);
      process.stderr.write(
        `chaos: ${kills} kills, ${redisRestarts} Redis restart, ${deliveries} deliveries for ${RUNS} runs, ` +
          `${rawCalls} raw tool calls for ${applied.length} effects, ${reused} results reused from the ledger\n`,
      );
      expect(rawCalls).toBeGreaterThanOrEqual(applied.length);
      expect(rawCalls - applied.length).toBeLessThanOrEqual(kills * CONCURRENCY);
      expect(deliveries).toBeGreaterThan(RUNS);
      expect(reused).toBeGreaterThan(0);

      // The CLI lists them all with their true status.
      const listed = await runHearth(['runs', 'list', '--json'], { home, env: queueEnv(queue) });
      expect(listed.code, listed.stderr).toBe(0);
      const statuses = (JSON.parse(listed.stdout) as { runId: string; status: string }[])
        .filter((run) => run.runId.startsWith('chaos-'))
        .map((run) => run.status);
      expect(statuses).toEqual(Array(RUNS).fill('done'));

      // Nothing hangs on shutdown: SIGTERM stops each worker cleanly.
      for (const worker of workers) worker.child.kill('SIGTERM');
      for (const worker of workers) expect((await worker.closed).code, worker.stderr()).toBe(0);
    } finally {
      await client.close();
    }
  }, 900_000);
});

const brief = (run: QueuedRun) => ({ runId: run.runId, status: run.status, error: run.error?.message });
