import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServices, stopServices } from '@hearth/testkit';
import { afterAll, beforeAll } from 'vitest';
import { openRunQueue } from '../run-queue.js';
import type { RunQueue } from '../types.js';
import { startWorkerProcess, type WorkerProcess } from './worker-processes.js';

/**
 * Throwaway Redis and Postgres for the tests of one file, started before them; after them every queue
 * it opened is closed, every worker process it started is killed and the services are stopped.
 * `workerEnv` is added to the environment of each worker process (worker-process.ts reads it).
 */
export function queueServicesForFile(name: string, workerEnv: Record<string, string> = {}) {
  let dir: string | undefined;
  let urls: { redisUrl: string; postgresUrl: string } | undefined;
  let queueIndex = 0;
  const workers: WorkerProcess[] = [];
  const queues: RunQueue[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `hearth-${name}-test-`));
    urls = await startServices({ dir: join(dir, 'services') });
  });

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    for (const queue of queues) await queue.close();
    if (dir === undefined) return;
    await stopServices(join(dir, 'services')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the services start in beforeAll: use them inside a test');
    return value;
  };
  const folder = () => started(dir);
  const serviceUrls = () => started(urls);

  /** A fresh queue name per test, so leftovers of one test never reach another's workers. */
  async function freshQueue() {
    queueIndex += 1;
    const queueName = `${name}-${process.pid}-${queueIndex}`;
    const queue = await openRunQueue({ ...serviceUrls(), queueName });
    queues.push(queue);
    const startWorker = (concurrency = 1) => {
      const worker = startWorkerProcess({
        HEARTH_REDIS_URL: serviceUrls().redisUrl,
        HEARTH_POSTGRES_URL: serviceUrls().postgresUrl,
        TEST_QUEUE: queueName,
        TEST_CONCURRENCY: String(concurrency),
        TEST_WORKDIRS: join(folder(), 'workdirs'),
        ...workerEnv,
      });
      workers.push(worker);
      return worker;
    };
    /** `count` single-slot workers, once each is ready, and their stderr together for failure messages. */
    const startReadyWorkers = async (count: number) => {
      const ready = Array.from({ length: count }, () => startWorker());
      await Promise.all(ready.map((worker) => worker.ready));
      return { started: ready, logs: () => ready.map((worker) => worker.stderr()).join('\n') };
    };
    return { queue, queueName, startWorker, startReadyWorkers };
  }

  /** Closes `queue` after the tests, with the ones `freshQueue` opened. */
  const closeAfterTests = (...opened: RunQueue[]) => {
    queues.push(...opened);
  };

  return { dir: folder, urls: serviceUrls, freshQueue, closeAfterTests };
}
