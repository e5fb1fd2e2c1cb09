import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachmentFromFile } from '@hearth/core';
import { openRunQueue, type QueuedRun, type RunQueue } from '@hearth/queue';
import { makeMediaFixtures, startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HearthProcess, runHearth, startHearth } from './test-support/hearth-binary.js';

let dir: string;
let urls: { redisUrl: string; postgresUrl: string };
const started: HearthProcess[] = [];
let queue: RunQueue | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-worker-test-'));
  urls = await startServices({ dir: join(dir, 'services') });
});

afterAll(async () => {
  for (const process of started) process.child.kill('SIGKILL');
  await queue?.close();
  await stopServices(join(dir, 'services')).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const queueEnv = () => ({ HEARTH_REDIS_URL: urls.redisUrl, HEARTH_POSTGRES_URL: urls.postgresUrl });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let tries = 0; tries < 3000; tries++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('hearth worker', () => {
  it('without a queue configured, says which variables to set (exit 2)', async () => {
    const result = await runHearth(['worker'], { env: { HEARTH_REDIS_URL: '', HEARTH_POSTGRES_URL: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HEARTH_REDIS_URL');
    expect(result.stderr).toContain('hearth testkit services start');
  });

  it('with a Redis that does not answer, names it and exits 1 without hanging', async () => {
    const result = await runHearth(['worker'], {
      env: { HEARTH_REDIS_URL: 'redis://127.0.0.1:1', HEARTH_POSTGRES_URL: urls.postgresUrl },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });

  it('the bug-report workflow on the tiny model with a screenshot and audio: its worker is SIGKILLed mid-run, another finishes it', async () => {
    const fixtures = await makeMediaFixtures();
    const workdirs = join(dir, 'workdirs');
    const startWorker = (name: string) => {
      const worker = startHearth(
        ['worker', '--model', 'tiny', '--stall-timeout', '4', '--workdir-root', join(workdirs, name)],
        { env: queueEnv() },
      );
      started.push(worker);
      return worker;
    };
    const workers = { a: startWorker('a'), b: startWorker('b') };
    queue = await openRunQueue(urls);
    const run = await queue.enqueue({
      target: 'bug-report',
      attachments: [
        await attachmentFromFile(fixtures.screenshotPng, 'image'),
        await attachmentFromFile(fixtures.speechWav, 'audio'),
      ],
    });
    // Mid-run: the planner's first step is done, the rest is still to come.
    const running = await until(
      () => (queue as RunQueue).get(run.runId),
      (current) => (current?.progress?.stepsDone ?? 0) >= 1 && current?.status === 'running',
      'the run to be under way',
    );
    const victimName = Object.entries(workers).find(([, worker]) =>
      running?.worker?.includes(`:${worker.child.pid}:`),
    )?.[0] as 'a' | 'b' | undefined;
    expect(victimName, `${running?.worker} is one of the workers`).toBeDefined();
    const victim = workers[victimName as 'a' | 'b'];
    const survivorName = victimName === 'a' ? 'b' : 'a';
    const survivor = workers[survivorName];
    victim.child.kill('SIGKILL');

    const finished = (await until(
      () => (queue as RunQueue).get(run.runId),
      (current) => ['done', 'failed', 'cancelled'].includes(current?.status ?? ''),
      'the run to finish on the other worker',
    )) as QueuedRun;
    expect(finished.status, `${survivor.stderr()}\n--- killed worker ---\n${victim.stderr()}`).toBe('done');
    expect(finished.worker).toContain(`:${survivor.child.pid}:`);
    expect(finished.deliveries).toBeGreaterThanOrEqual(2);
    const output = finished.output as { written: boolean; reportPath: string; page: { screenshot: boolean } };
    expect(output.written).toBe(true);
    expect(output.page.screenshot).toBe(true);
    // Its files land in the workdir of the worker that finished it: <workdir-root>/<run id>.
    const report = join(workdirs, survivorName, run.runId, output.reportPath);
    expect(existsSync(report), readdirSync(join(workdirs, survivorName)).join(', ')).toBe(true);
    expect(readFileSync(report, 'utf8')).toContain('Something went wrong. Please try again later.');

    // SIGTERM: the idle survivor stops cleanly.
    survivor.child.kill('SIGTERM');
    expect((await survivor.closed).code, survivor.stderr()).toBe(0);
  }, 400_000);
});
