import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HearthError } from '@hearth/engine';
import type { PendingCase, ResultRecord, RunEvalsOptions } from '@hearth/evals';
import type { QueuedRun, RunQueue } from '@hearth/queue';
import { QueuedEvalCaseError } from '../errors/queued-eval-case-error.js';
import { type EvalCaseInput, evalCaseTargetName, isReferenceModel } from './eval-case-target.js';

/** How every case of one `hearth eval run --queue` is asked (the flags that change an answer). */
export interface QueuedEvalOptions {
  /** The report folder: part of each case's run id, so a second eval elsewhere never takes this one's runs. */
  outDir: string;
  trials: number;
  seed: number;
  maxTokens: number;
  cases?: number;
  data?: string;
  baseUrl?: string;
  /** Progress lines that are not a case's result (waiting for workers). */
  log(line: string): void;
}

/** Runs looked at per poll: the oldest unfinished ones, which the workers take first. */
const pollWindow = 32;
const pollMs = 250;
/** How long nothing may start before the eval says it is waiting for workers. */
const idleHintMs = 10_000;

const stopped = (run: QueuedRun) =>
  run.status === 'done' || run.status === 'failed' || run.status === 'cancelled';

/**
 * A case's run id: the same for the same case, model, trial, flags and report folder, so an eval that
 * was killed and started again finds the runs it enqueued (finished ones are taken, not asked again).
 */
function caseRunId(outDir: string, input: EvalCaseInput): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([resolve(outDir), input]))
    .digest('hex');
  return `eval-${digest.slice(0, 32)}`;
}

/**
 * Enqueues a case's run, or takes up the one a previous attempt of this eval enqueued: a failed or
 * cancelled one is resumed, a queued, running or done one is waited for as it is.
 */
async function enqueueCase(queue: RunQueue, runId: string, input: EvalCaseInput): Promise<void> {
  try {
    await queue.enqueue({
      target: evalCaseTargetName,
      runId,
      input,
      // A local model opens in the worker's shared model host; reference models and servers need no host.
      ...(isReferenceModel(input.model) || input.baseUrl ? {} : { model: input.model }),
    });
  } catch (error) {
    if (!(HearthError.isInstance(error) && error.code === 'QUEUE_RUN_STATE')) throw error;
    const existing = await queue.get(runId);
    if (existing?.status === 'failed' || existing?.status === 'cancelled') await queue.resume(runId);
  }
}

/**
 * `runEvals`' `answerElsewhere` over the run queue: every missing case x model x trial becomes one run
 * of the `hearth-eval-case` target, which any `hearth worker` answers; results are handed back as
 * their runs finish. A run that fails (after the queue's retries) stops the eval with its error.
 */
export function answerOverQueue(
  queue: RunQueue,
  options: QueuedEvalOptions,
): NonNullable<RunEvalsOptions['answerElsewhere']> {
  return async (pending: readonly PendingCase[], record: (result: ResultRecord) => Promise<void>) => {
    const waiting: Array<{ runId: string; label: string }> = [];
    for (const { run, testCase, model, trial } of pending) {
      const input: EvalCaseInput = {
        suite: run.suite.name,
        caseId: testCase.id,
        model: model.spec,
        trial,
        trials: options.trials,
        seed: options.seed,
        maxTokens: options.maxTokens,
        ...(options.cases ? { cases: options.cases } : {}),
        ...(options.data ? { data: resolve(options.data) } : {}),
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      };
      const runId = caseRunId(options.outDir, input);
      await enqueueCase(queue, runId, input);
      waiting.push({ runId, label: `${run.suite.name} ${testCase.id} ${model.name}#${trial}` });
    }
    options.log(`${waiting.length} cases queued for the workers (hearth worker)`);
    let lastChange = Date.now();
    let hinted = false;
    while (waiting.length > 0) {
      const window = waiting.slice(0, pollWindow);
      const runs = await Promise.all(window.map(({ runId }) => queue.get(runId)));
      let changed = false;
      for (const [index, queued] of runs.entries()) {
        const { runId, label } = window[index] as (typeof window)[number];
        if (!queued)
          throw new QueuedEvalCaseError(
            `the run of case ${label} (${runId}) is gone from the queue; run the eval again with the same --out`,
          );
        if (queued.status !== 'queued') changed = true;
        if (!stopped(queued)) continue;
        if (queued.status !== 'done')
          throw new QueuedEvalCaseError(
            `case ${label} ${queued.status} on the workers (run ${runId}; hearth runs show ${runId}): ` +
              `${queued.error ? `${queued.error.code ?? queued.error.name}: ${queued.error.message.replace(/\.$/, '')}` : 'no error recorded'}. ` +
              'The cases answered so far are kept: fix the cause and run the eval again with the same --out',
          );
        await record(queued.output as ResultRecord);
        waiting.splice(
          waiting.findIndex((entry) => entry.runId === runId),
          1,
        );
      }
      if (changed) lastChange = Date.now();
      else if (!hinted && Date.now() - lastChange > idleHintMs) {
        hinted = true;
        options.log(
          'no case has started yet: is a hearth worker running against this queue (the same HEARTH_REDIS_URL, HEARTH_POSTGRES_URL and HEARTH_QUEUE_NAME)?',
        );
      }
      if (waiting.length > 0) await sleep(pollMs);
    }
  };
}
