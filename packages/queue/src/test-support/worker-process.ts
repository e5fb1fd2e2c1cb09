/**
 * A worker in its own process, for tests that SIGKILL workers: `node --import tsx worker-process.ts`
 * with HEARTH_REDIS_URL, HEARTH_POSTGRES_URL, TEST_QUEUE (queue name), TEST_CONCURRENCY and
 * TEST_WORKDIRS (and TEST_FAN_OUT_CHILDREN=1 for `fanOutChildren`). Targets are module paths (their default export). Short stall settings so a killed
 * worker's job comes back within seconds. Prints `ready <id>` on stdout; SIGTERM closes it.
 */
import { RunTarget } from '@hearth/core';
import { startRunWorker } from '../run-worker.js';
import { shoutEngine } from './agent-fan-out-workflow.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const worker = await startRunWorker({
  redisUrl: env('HEARTH_REDIS_URL'),
  postgresUrl: env('HEARTH_POSTGRES_URL'),
  queueName: env('TEST_QUEUE'),
  concurrency: Number(process.env.TEST_CONCURRENCY ?? 1),
  workdirRoot: env('TEST_WORKDIRS'),
  fanOutChildren: process.env.TEST_FAN_OUT_CHILDREN === '1',
  // Agents get the scripted model of the fan-out fixture; the other fixtures use none.
  engineFor: async () => shoutEngine(),
  stalls: { lockDurationMs: 3_000, stalledIntervalMs: 1_000, maxStalledCount: 2 },
  recoverIntervalMs: 2_000,
  loadTarget: async (ref) => {
    const module = (await import(ref)) as { default?: unknown };
    if (!RunTarget.isRunTarget(module.default)) throw new Error(`${ref} has no default run target`);
    return module.default;
  },
  log: (line) => process.stderr.write(`[worker ${process.pid}] ${line}\n`),
});
process.stdout.write(`ready ${worker.id}\n`);
process.on('SIGTERM', () => {
  worker.close({ deadlineMs: 5_000 }).then(() => process.exit(0));
});
