import type { ApprovalDecision, Attachment } from '@hearth/core';
import type { QueuedRun, RunQueue } from '@hearth/queue';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode, exitCodeByErrorCode, printJson } from '../output.js';
import { eventPrinter, type RunDisplay } from './live-view.js';
import { loadRunTarget, runModel } from './load-target.js';
import { openQueueFrom, type QueueFlags } from './queue-connection.js';
import { queuedRunEvents, queueRunView } from './queued-runs.js';

const writeLine = (line: string) => process.stdout.write(`${line}\n`);

/** What `hearth run --queue` enqueues or continues. */
export type QueueRunRequest = QueueFlags & {
  display: RunDisplay;
  /** Print the run id and return without following the run. */
  detach: boolean;
} & (
    | {
        /** A new run: the target as given on the command line, checked here before it is enqueued. */
        spec: string;
        input: Record<string, unknown>;
        attachments: Attachment[];
        model?: string;
        threadId?: string;
        /** On the worker's machine; default a fresh directory there. */
        workdir?: string;
      }
    | { resume: string; decision?: ApprovalDecision }
  );

/** A run's exit code: as a local run of the same outcome would exit. */
function exitCodeOf(run: QueuedRun): ExitCode {
  if (run.status === 'done') return ExitCode.success;
  if (run.status === 'paused') return ExitCode.approvalNeeded;
  return (run.error?.code && exitCodeByErrorCode[run.error.code]) || ExitCode.failure;
}

/** The last thing a followed run prints, as a local run prints it. */
function printOutcome(display: RunDisplay, run: QueuedRun): void {
  const view = queueRunView(run);
  if (display === 'json') printJson(view);
  else if (display === 'stream') writeLine(JSON.stringify({ type: 'result', ...view }));
  else if (run.status === 'paused')
    writeLine(`paused; continue with: hearth run --resume ${run.runId} --queue --approve   (or --deny)`);
  else if (run.status === 'done') writeLine(`result: ${JSON.stringify(run.output ?? null, null, 2)}`);
  else
    process.stderr.write(
      `hearth: run ${run.runId} ${run.status}${run.error ? `: ${run.error.message}` : ''}\n`,
    );
}

/**
 * `hearth run --queue`: enqueues a run (or the continuation of one) and follows its events live as a
 * local run prints them, whichever workers run it; with `--detach`, prints its id and returns.
 * Ctrl-C stops following, not the run (`hearth runs cancel` stops it).
 */
export async function runOnQueue(request: QueueRunRequest): Promise<{ exitCode: ExitCode }> {
  let enqueue: (queue: RunQueue) => Promise<QueuedRun>;
  // A continued run is followed from its first new event (its earlier calls were printed before).
  let afterSeq = 0;
  if ('spec' in request) {
    // Checked here, where a mistake is cheapest to report: the target loads, the input fits it.
    const { target, source } = await loadRunTarget(request.spec);
    target.parseInput({
      ...request.input,
      ...(request.attachments.length ? { attachments: request.attachments } : {}),
    });
    // No model named anywhere: the worker's --model, or none for a target without model nodes.
    const model = runModel(target, request.model);
    enqueue = (queue) =>
      queue.enqueue({
        target: source,
        input: request.input,
        attachments: request.attachments,
        ...(model ? { model } : {}),
        ...(request.threadId ? { runId: request.threadId } : {}),
        ...(request.workdir ? { workdir: request.workdir } : {}),
      });
  } else {
    const { resume, decision } = request;
    enqueue = async (queue) => {
      afterSeq = (await queuedRunEvents(queue, resume)).at(-1)?.seq ?? 0;
      return queue.resume(resume, decision);
    };
  }
  const queue = await openQueueFrom(request);
  if (!queue)
    throw new UsageError(
      '--queue needs a queue: set HEARTH_REDIS_URL and HEARTH_POSTGRES_URL (or pass --redis-url and --postgres-url); `hearth testkit services start` starts a pair on this machine',
    );
  try {
    const queued = await enqueue(queue);
    if (request.detach) {
      if (request.display === 'live')
        writeLine(`queued run ${queued.runId}; follow it with: hearth runs show ${queued.runId}`);
      else printJson(queueRunView(queued));
      return { exitCode: ExitCode.success };
    }
    if (request.display === 'live')
      writeLine(`${queued.target} queued as run ${queued.runId} (Ctrl-C stops following, not the run)`);
    const show = eventPrinter(request.display, writeLine);
    const follow = queue.follow(queued.runId, { afterSeq });
    let next = await follow.next();
    for (; !next.done; next = await follow.next()) {
      const { seq: _seq, ...event } = next.value;
      show?.(event as typeof next.value);
    }
    printOutcome(request.display, next.value);
    return { exitCode: exitCodeOf(next.value) };
  } finally {
    await queue.close();
  }
}
