// `hearth worker --fan-out-children` from the outside: real binaries, a real Redis and Postgres.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HearthProcess, runHearth, startHearth } from './test-support/hearth-binary.js';
import { queueEnv, type TestQueue } from './test-support/queue-workers.js';

// The queue package's fan-out fixture: a workflow running one `branch` workflow per item.
const wide = fileURLToPath(new URL('../../../queue/src/test-support/branch-workflow.ts', import.meta.url));

let dir: string;
let home: string;
let queue: TestQueue;
const started: HearthProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-worker-fan-out-'));
  home = join(dir, 'home');
  queue = { ...(await startServices({ dir: join(dir, 'services') })), queueName: 'fan-out' };
}, 180_000);

afterAll(async () => {
  for (const process of started) process.child.kill('SIGKILL');
  await stopServices(join(dir, 'services')).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('hearth worker --fan-out-children', () => {
  it("runs a workflow's fanOut branches as child runs that hearth runs lists; the run's result is the in-process one", async () => {
    for (const name of ['a', 'b']) {
      const worker = startHearth(
        ['worker', '--fan-out-children', '--stall-timeout', '2', '--workdir-root', join(dir, name)],
        { home, env: queueEnv(queue) },
      );
      started.push(worker);
      await worker.stderrMatch(/started/);
    }
    const input = JSON.stringify({ items: ['a', 'b', 'c'], counter: join(dir, 'count.txt') });
    const queued = await runHearth(['run', wide, '--queue', '--json', '--input', input], {
      home,
      env: queueEnv(queue),
    });
    const logs = started.map((worker) => worker.stderr()).join('\n');
    expect(queued.code, `${queued.stderr}\n${logs}`).toBe(0);
    const run = JSON.parse(queued.stdout) as { runId: string; output: unknown };
    const local = await runHearth(
      [
        'run',
        wide,
        '--json',
        '--input',
        JSON.stringify({ items: ['a', 'b', 'c'], counter: join(dir, 'local.txt') }),
      ],
      { home },
    );
    expect(local.code, local.stderr).toBe(0);
    expect(run.output).toEqual((JSON.parse(local.stdout) as { output: unknown }).output);
    expect(logs).toMatch(/waiting for its child runs, holding no worker/);

    const list = await runHearth(['runs', 'list', '--json'], { home, env: queueEnv(queue) });
    expect(list.code, list.stderr).toBe(0);
    const children = (JSON.parse(list.stdout) as { runId: string; status: string }[])
      .filter((listed) => listed.runId.startsWith(`${run.runId}/`))
      .map((listed) => [listed.runId, listed.status])
      .sort();
    expect(children).toEqual([0, 1, 2].map((index) => [`${run.runId}/each@2.${index}`, 'done']));
  }, 300_000);
});
