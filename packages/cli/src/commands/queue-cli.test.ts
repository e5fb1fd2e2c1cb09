// `hearth run --queue` and `hearth runs` on queued runs, from the outside: the real binary, a real
// Redis and Postgres (the testkit's services), a real `hearth worker`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMediaFixtures, startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';
import { queueEnv, startQueueWorker, type TestQueue } from './test-support/queue-workers.js';
import { until } from './test-support/until.js';

const counted = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));
const effects = fileURLToPath(new URL('./test-support/effect-workflow.ts', import.meta.url));
const digest = fileURLToPath(new URL('./test-support/attachment-digest-workflow.ts', import.meta.url));
const publish = fileURLToPath(new URL('./test-support/publish-workflow.ts', import.meta.url));

let dir: string;
let home: string;
let queue: TestQueue;
const services = () => join(dir, 'services');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-queue-cli-'));
  home = join(dir, 'home');
  queue = { ...(await startServices({ dir: services() })), queueName: 'cli' };
}, 180_000);

afterAll(async () => {
  await stopServices(services()).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** `hearth <args>` with the test's queue in the environment (and `env` over it). */
const hearth = (args: string[], env: Record<string, string> = {}) =>
  runHearth(args, { home, env: { ...queueEnv(queue), ...env } });

const listed = async () => {
  const list = await hearth(['runs', 'list', '--json']);
  expect(list.code, list.stderr).toBe(0);
  return JSON.parse(list.stdout) as { runId: string; thread: string; status: string; where: string }[];
};

describe('hearth run --queue', () => {
  it('follows a queued run live, detaches with --json, carries media, approves a paused one from another process, cancels a running one', async () => {
    const worker = await startQueueWorker(queue, {
      home,
      workdirRoot: join(dir, 'workdirs'),
      concurrency: 2,
    });

    // Followed live: the same lines a local run prints, then the result; exit 0.
    const live = await hearth(['run', counted, '--queue', '--thread', 'q-live']);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toMatch(
      /queued as run q-live \(Ctrl-C stops following, not the run\)\n> s1\n {2}-> count \{"step":"s1"\}\n {2}<- count: counted s1\nok s1 \d+\.\ds\n> s2\n/,
    );
    expect(live.stdout).toContain('result: {\n  "done": [\n    "s1",\n    "s2",\n    "s3"\n  ]\n}');
    // The worker ran it in its own workdir.
    expect(readFileSync(join(dir, 'workdirs', 'q-live', 'counter.txt'), 'utf8')).toBe('s1\ns2\ns3\n');

    // --stream: one JSON event per line as the worker emits them, the run's record last.
    const streamed = await hearth(['run', counted, '--queue', '--stream', '--thread', 'q-stream']);
    expect(streamed.code, streamed.stderr).toBe(0);
    const streamLines = streamed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(streamLines.filter((line) => line.type === 'node-end').map((line) => line.node)).toEqual([
      's1',
      's2',
      's3',
    ]);
    expect(streamLines.at(-1)).toMatchObject({ type: 'result', runId: 'q-stream', status: 'done' });

    // Detached: one JSON object with the run id, at once; the run finishes on the worker.
    const detached = await hearth(['run', counted, '--queue', '--detach', '--json']);
    expect(detached.code, detached.stderr).toBe(0);
    const { runId, status } = JSON.parse(detached.stdout) as { runId: string; status: string };
    expect(status).toBe('queued');
    await until('the detached run to finish', async () =>
      (await listed()).find((run) => run.runId === runId && run.status === 'done'),
    );
    const shown = await hearth(['runs', 'show', runId, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const run = JSON.parse(shown.stdout);
    expect(run).toMatchObject({
      runId,
      thread: runId,
      where: 'queue',
      status: 'done',
      output: { done: ['s1', 's2', 's3'] },
    });
    expect(run.events.filter((event: { type: string }) => event.type === 'node-end')).toHaveLength(3);

    // Media reach the worker: the run digests the very bytes of the --image and --audio files.
    const media = await makeMediaFixtures();
    const digested = await hearth([
      'run',
      digest,
      '--queue',
      '--json',
      '--image',
      media.screenshotPng,
      '--audio',
      media.speechWav,
    ]);
    expect(digested.code, digested.stderr).toBe(0);
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(
      JSON.parse(digested.stdout).output.digests.map((entry: { sha256: string }) => entry.sha256),
    ).toEqual([sha(media.screenshotPng), sha(media.speechWav)]);

    // Paused for approval on the worker (exit 4), approved from another process through the queue.
    const publishDir = join(dir, 'publish');
    mkdirSync(publishDir, { recursive: true });
    const paused = await hearth([
      'run',
      publish,
      '--queue',
      '--thread',
      'q-approve',
      '--input',
      JSON.stringify({ dir: publishDir }),
    ]);
    expect(paused.code, paused.stderr).toBe(4);
    expect(paused.stdout).toContain('waiting for approval: publish');
    expect(paused.stdout).toContain('hearth run --resume q-approve --queue --approve');
    expect((await listed()).find((run) => run.runId === 'q-approve')?.status).toBe('paused');
    expect(existsSync(join(publishDir, 'published.txt'))).toBe(false);
    const approved = await hearth(['run', '--resume', 'q-approve', '--queue', '--approve', '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      runId: 'q-approve',
      status: 'done',
      output: { result: 'published' },
    });
    expect(readFileSync(join(publishDir, 'published.txt'), 'utf8')).toBe('published\n');
    const again = await hearth(['run', '--resume', 'q-approve', '--queue', '--approve']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/q-approve.*done/);

    // A running run cancelled from another process: its worker stops it.
    const effectsDir = join(dir, 'effects');
    mkdirSync(effectsDir, { recursive: true });
    const slow = await hearth([
      'run',
      effects,
      '--queue',
      '--detach',
      '--json',
      '--thread',
      'q-cancel',
      '--input',
      JSON.stringify({ dir: effectsDir, run: 'q-cancel', holdMs: 600_000 }),
    ]);
    expect(slow.code, slow.stderr).toBe(0);
    await until('the run to start', async () =>
      (await listed()).find((run) => run.runId === 'q-cancel' && run.status === 'running'),
    );
    const cancelled = await hearth(['runs', 'cancel', 'q-cancel']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe('run q-cancel: cancelled\n');
    const refused = await hearth(['runs', 'cancel', 'q-cancel']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot cancel run q-cancel: it is cancelled/);

    // The table shows the queued runs with their true status.
    const table = await hearth(['runs', 'list']);
    expect(table.stdout).toMatch(/\nq-live +done +queue +counted-workflow /);
    expect(table.stdout).toMatch(/\nq-cancel +cancelled +queue +effect-workflow /);

    worker.child.kill('SIGTERM');
    expect((await worker.closed).code, worker.stderr()).toBe(0);
  }, 600_000);

  it('says what is wrong when the queue is not configured or not reachable', async () => {
    const unset = await runHearth(['run', counted, '--queue'], {
      home,
      env: { HEARTH_REDIS_URL: '', HEARTH_POSTGRES_URL: '' },
    });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/--queue needs a queue: set HEARTH_REDIS_URL and HEARTH_POSTGRES_URL/);
    const half = await hearth(['runs', 'list'], { HEARTH_POSTGRES_URL: '' });
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/set HEARTH_POSTGRES_URL \(or --postgres-url\) too/);
    const noRedis = await hearth(['run', counted, '--queue', '--redis-url', 'redis://127.0.0.1:1']);
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    const noPostgres = await hearth(['runs', 'list'], {
      HEARTH_POSTGRES_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    expect(noPostgres.code).toBe(1);
    expect(noPostgres.stderr).toMatch(/cannot reach Postgres at postgres:\/\/postgres@127\.0\.0\.1:1/);
    const detachAlone = await hearth(['run', counted, '--detach']);
    expect(detachAlone.code).toBe(2);
    expect(detachAlone.stderr).toMatch(/--detach leaves a queued run going: add --queue/);
  }, 300_000);
});
