// Fan-out branches as child runs (`RunWorkerOptions.fanOutChildren`): the core hands each `fanOut`
// branch of a target node to `RunOptions.runChild`; this makes it a run of its own on the queue, a
// BullMQ child of the parent's job, so other workers take the branches while the parent holds none.
import type { ChildRunRequest } from '@hearth/core';
import type { Job, Queue } from 'bullmq';
import type { Backends, RunJobData } from './backends.js';
import { QueueChildRunError } from './errors/queue-child-run-error.js';
import { jobOptions } from './run-queue.js';
import type { RunRow } from './run-store.js';

/**
 * How long after the last branch asked for a child the parent's delivery stops to wait for them:
 * the branches of one step ask within moments of each other, and a branch that asks later is
 * enqueued on the next delivery (correct either way, only slower).
 */
const settleMs = 250;

/** What a parent run's delivery does about its branches' child runs. */
export class ChildRuns {
  /** True once a branch waits for a child that is not finished: the delivery must stop and wait. */
  private waiting = false;
  /** True when a child this delivery enqueued is a BullMQ child of its job (its end wakes the parent). */
  attached = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backends: Backends,
    private readonly queue: Queue<RunJobData>,
    private readonly parent: RunRow,
    private readonly job: Job<RunJobData>,
    /** Stops the parent's delivery so that it waits for its children holding no worker slot. */
    private readonly stopToWait: () => void,
  ) {}

  /** The child run id of a branch: the parent's id and the branch key (the same on every replay). */
  static childRunId(parentRunId: string, branchKey: string): string {
    return `${parentRunId}/${branchKey}`;
  }

  /** `RunOptions.runChild`: the child's output when it is done; its error when it failed; else wait. */
  readonly run = async (request: ChildRunRequest): Promise<unknown> => {
    const { store } = this.backends;
    const runId = ChildRuns.childRunId(this.parent.run_id, request.branchKey);
    let child = await store.row(runId);
    if (!child) {
      const inserted = await store.insert({
        runId,
        target: this.parent.target,
        input: request.input as Record<string, unknown>,
        ...(this.parent.model ? { model: this.parent.model } : {}),
        ...(this.parent.workdir ? { workdir: this.parent.workdir } : {}),
        ...(this.parent.priority !== null ? { priority: this.parent.priority } : {}),
        attempts: this.parent.attempts,
        child: { parentRunId: this.parent.run_id, targetPath: request.nodePath },
      });
      if (inserted) {
        // A child that fails for good still wakes the parent, whose branch then fails with its error.
        await this.queue.add(
          'run',
          { runId, generation: inserted.generation },
          {
            ...jobOptions(inserted),
            parent: { id: this.job.id as string, queue: this.job.queueQualifiedName },
            ignoreDependencyOnFailure: true,
          },
        );
        this.attached = true;
      }
      child = inserted ?? (await store.row(runId));
    }
    if (child?.status === 'done') return (await store.toQueuedRun(child)).output;
    if (child && (child.status === 'failed' || child.status === 'cancelled'))
      throw new QueueChildRunError(
        runId,
        child.error ?? { name: 'Error', message: `the child run was ${child.status}` },
      );
    // Queued, running or paused for approval: the parent stops and is delivered again later.
    this.waiting = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.stopToWait, settleMs);
    return new Promise((_, reject) => {
      const signal = request.signal;
      const abandon = () => reject(signal?.reason ?? new Error('stopped to wait for child runs'));
      if (signal?.aborted) abandon();
      else signal?.addEventListener('abort', abandon, { once: true });
    });
  };

  /** True when a branch is waiting for a child (the delivery was stopped for it). */
  get isWaiting(): boolean {
    return this.waiting;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
