import { type HearthProcess, startHearth } from './hearth-binary.js';

/** Where the queue of a test lives: its servers, and a queue name of its own on them. */
export interface TestQueue {
  redisUrl: string;
  postgresUrl: string;
  queueName: string;
}

/** The environment `hearth worker`, `hearth run --queue` and `hearth runs` read the queue from. */
export const queueEnv = (queue: TestQueue): Record<string, string> => ({
  HEARTH_REDIS_URL: queue.redisUrl,
  HEARTH_POSTGRES_URL: queue.postgresUrl,
  HEARTH_QUEUE_NAME: queue.queueName,
});

/**
 * Starts a real `hearth worker` on the test's queue and waits until it takes jobs. A 2 s stall
 * timeout brings a SIGKILLed worker's runs back within seconds. Call it inside a test (a worker
 * still running when the test finishes is SIGKILLed).
 */
export async function startQueueWorker(
  queue: TestQueue,
  options: { home: string; workdirRoot: string; concurrency?: number },
): Promise<HearthProcess> {
  const worker = startHearth(
    [
      'worker',
      '--concurrency',
      String(options.concurrency ?? 1),
      '--stall-timeout',
      '2',
      '--workdir-root',
      options.workdirRoot,
    ],
    { home: options.home, env: queueEnv(queue) },
  );
  await worker.stderrMatch(/started/);
  return worker;
}
