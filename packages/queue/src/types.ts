import type {
  AnyRunTarget,
  ApprovalDecision,
  ApprovalRequest,
  Attachment,
  Engine,
  RunEvent,
  RunFailure,
  RunStatus,
  RunSummary,
  RunTargetKind,
} from '@hearth/core';

/** A queued run's status: the core's `RunStatus`, plus `queued` (waiting for a worker, or for a retry). */
export type QueuedRunStatus = 'queued' | RunStatus;

/** Every `QueuedRunStatus` (for checking a `--status` flag or JSON read back). */
export const queuedRunStatuses = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;

/** Where the queue lives: Redis for delivery (BullMQ), Postgres for everything that must last. */
export interface QueueConnection {
  /** `redis://host:port` (Redis >= 6.2). */
  redisUrl: string;
  /** `postgres://user@host:port/db` (Postgres >= 13). */
  postgresUrl: string;
  /** The BullMQ queue name; several independent queues can share one Redis. Default `hearth-runs`. */
  queueName?: string;
}

export interface EnqueueRunOptions {
  /**
   * What to run, as `hearth run` takes it: an absolute path of a module exporting an agent or
   * workflow (it must exist at that path on every worker's machine), or an example name (`bug-report`).
   * The worker's `loadTarget` resolves it.
   */
  target: string;
  /** The target's input (JSON). Media goes in `attachments`, not here. */
  input?: Record<string, unknown>;
  /**
   * Images and audio for the run's input `attachments`. Their bytes are stored once in Postgres by
   * SHA-256, so a worker on any machine gets them; the job itself carries only the hashes.
   */
  attachments?: Attachment[];
  /** The run id, which is the LangGraph thread id (the core's rule). Default: a new UUID. Refused if taken. */
  runId?: string;
  /** Model preset or path handed to the worker's `engineFor`; default: the worker's choice. */
  model?: string;
  /**
   * Root for the run's file tools, on the worker's machine. Default `<workerWorkdirRoot>/<runId>`
   * (a fresh directory on whichever worker runs it; a run continued elsewhere gets a fresh one there).
   * Give a path on storage every worker mounts to keep files across machines.
   */
  workdir?: string;
  /** BullMQ priority: 1 is the highest; unset runs before every prioritised job (BullMQ's rule). */
  priority?: number;
  /** Deliveries before the run is marked failed (a run continues from its checkpoint each time). Default 3. */
  attempts?: number;
}

/** Where a running run is, as the job's progress shows it (updated from its events). */
export interface RunProgress {
  /** Node executions finished so far in this delivery. */
  stepsDone: number;
  /** The last node that started. */
  node?: string;
  /** Events recorded so far (the `seq` of the last one). */
  events: number;
}

/** A queued run as Postgres records it: what `hearth runs list|show` prints. */
export interface QueuedRun {
  /** The run id (= the LangGraph thread id). */
  runId: string;
  /** What was enqueued (`EnqueueRunOptions.target`). */
  target: string;
  /** The agent, workflow or planner's name and kind, known once a worker has loaded it. */
  targetName?: string;
  targetKind?: RunTargetKind;
  status: QueuedRunStatus;
  model?: string;
  /** The workdir the run's last delivery used, on the machine of `worker` (or the one given at enqueue). */
  workdir?: string;
  priority?: number;
  attempts: number;
  /** Deliveries started so far (re-deliveries after a kill or stall count too). */
  deliveries: number;
  /** The worker that last ran it (`host:pid:n`). */
  worker?: string;
  /** ISO 8601 times. */
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  updatedAt: string;
  /** The output; present when `status` is `done`. */
  output?: unknown;
  /** Why it failed or was cancelled. */
  error?: RunFailure;
  /** Calls waiting for a decision; non-empty exactly when `status` is `paused`. */
  pendingApprovals: ApprovalRequest[];
  progress?: RunProgress;
  /** For a fan-in run (`fanOut`): the child runs whose results it receives. */
  children?: string[];
  /** For the child run of a fan-out branch (`RunWorkerOptions.fanOutChildren`): the run it belongs to. */
  parentRunId?: string;
  /** For such a child run: the node path to its target inside `target` (`RunTarget.nestedTarget`). */
  targetPath?: string[];
  /** The summary of the last worker call that ended (done, paused, failed or cancelled). */
  summary?: RunSummary;
}

export interface ListRunsOptions {
  /** Only runs with one of these statuses. */
  status?: readonly QueuedRunStatus[];
  /** Newest first; default 100. */
  limit?: number;
}

/** One child's result as a fan-in run receives it (in its input, under `resultsKey`). */
export interface ChildRunResult {
  runId: string;
  /** `done`, `failed`, `cancelled`, or `paused` (a child waiting for approval does not hold up the fan-in). */
  status: QueuedRunStatus;
  output?: unknown;
  error?: RunFailure;
}

export interface FanOutOptions {
  /** The runs to spread over the workers; each is a run of its own (listed, followed, cancelled alone). */
  children: EnqueueRunOptions[];
  /**
   * The fan-in run: it starts once every child has stopped, its input given the children's results,
   * in `children` order, under `resultsKey` (default `results`): `ChildRunResult[]`.
   */
  fanIn: EnqueueRunOptions & { resultsKey?: string };
}

export interface FollowRunOptions {
  /** Stops following (the generator returns the run as it stands). */
  signal?: AbortSignal;
  /** Start after this event number (0: from the run's first event). */
  afterSeq?: number;
}

/** The client side of the queue: enqueue, inspect, cancel, decide and follow runs (from any machine). */
export interface RunQueue {
  /**
   * Records the run in Postgres (status `queued`), stores its attachments by hash and adds its job.
   * @throws QueueRunStateError when `runId` is already taken.
   */
  enqueue(options: EnqueueRunOptions): Promise<QueuedRun>;
  /** The run, or undefined when no run has this id. */
  get(runId: string): Promise<QueuedRun | undefined>;
  /** This queue's runs, newest first. */
  list(options?: ListRunsOptions): Promise<QueuedRun[]>;
  /**
   * Fans work out over the workers as a BullMQ flow: every child is enqueued as a run of its own,
   * and the `fanIn` run waits (holding no worker) until they have all stopped, then runs with their results.
   * A child that fails after its attempts does not block the fan-in: it arrives as `failed`.
   * @throws QueueRunStateError when a run id is taken.
   */
  fanOut(options: FanOutOptions): Promise<{ fanIn: QueuedRun; children: QueuedRun[] }>;
  /**
   * Cancels a run: a queued one never starts, a running one is aborted by its worker (its checkpoints
   * stay), a paused one is closed. Finished runs are returned unchanged.
   * @throws QueueRunNotFoundError for an unknown id.
   */
  cancel(runId: string): Promise<QueuedRun>;
  /**
   * Continues a run through the queue: a paused run with the decision on its pending calls (from any
   * machine; the worker that paused it has moved on), or a failed or cancelled run from its last
   * checkpoint without one.
   * @throws QueueRunStateError when the run is queued, running or done, or when a decision is given
   *   to a run that is not paused (or none to one that is).
   */
  resume(runId: string, decision?: ApprovalDecision): Promise<QueuedRun>;
  /**
   * The run's events as they happen (from its first event, or after `afterSeq`), across deliveries
   * and workers; returns the run when it stops (done, paused, failed, cancelled) or `signal` fires.
   */
  follow(runId: string, options?: FollowRunOptions): AsyncGenerator<RunEvent & { seq: number }, QueuedRun>;
  close(): Promise<void>;
}

export interface RunWorkerOptions extends QueueConnection {
  /** Runs this worker executes at once (default 1). They share the worker's engines. */
  concurrency?: number;
  /** Loads a target from its `EnqueueRunOptions.target` ref (the CLI passes its `loadRunTarget`). */
  loadTarget(ref: string): Promise<AnyRunTarget>;
  /**
   * The engine for a run's agent and planner nodes, given the run's `model` (undefined when the run
   * named none). Called per delivery: cache engines to share one model host between jobs; the
   * worker does not close them. Omit for targets that need no model.
   */
  engineFor?(model: string | undefined, target: AnyRunTarget): Promise<Engine | undefined>;
  /** Parent of each run's default workdir (`<workdirRoot>/<runId>`). Default `$HEARTH_HOME/queue/workdirs`. */
  workdirRoot?: string;
  /**
   * BullMQ's stalled-job settings. Defaults sized for model turns: the job lock lasts 120 s and is
   * renewed every 60 s (the model runs outside the event loop, so renewals are not starved), stalled
   * jobs are looked for every 30 s, and a job may stall twice before BullMQ fails it (then the
   * worker's recovery sweep re-enqueues the run from its checkpoint).
   */
  stalls?: { lockDurationMs?: number; stalledIntervalMs?: number; maxStalledCount?: number };
  /** How often runs whose job was lost or failed by stalls are looked for and re-enqueued (default: the stalled interval). */
  recoverIntervalMs?: number;
  /**
   * Runs each `fanOut` branch whose node is an agent, planner or workflow as a child run on the
   * queue (any worker takes it) instead of in this worker's process. Its id is `<parent run
   * id>/<branch key>`, so a re-delivered parent finds its children and never enqueues them twice.
   * While they run, the parent holds no worker slot: its delivery stops and BullMQ wakes it when its
   * child jobs end (so even one worker with concurrency 1 gets through). A child that fails fails
   * its branch with `QueueChildRunError`. Default false: branches run in-process.
   */
  fanOutChildren?: boolean;
  /** Where the worker reports what it does (one line each); default nothing. */
  log?(line: string): void;
  /**
   * Called as each delivery of a run starts, once its target is loaded; what it returns watches that
   * delivery (the CLI traces runs this way, so the queue knows no OpenTelemetry). Omit to watch none.
   */
  observeRun?(run: ObservedRun): RunObserver | undefined;
}

/** The run a delivery executes, as `RunWorkerOptions.observeRun` is told it. */
export interface ObservedRun {
  runId: string;
  target: AnyRunTarget;
  /** The model the run was enqueued with, if any (the engine may still be the worker's default). */
  model?: string;
  /** True when this delivery continues the run from its checkpoint (approval, recovery, resume). */
  resumed: boolean;
}

/** Watches one delivery of a run (see `RunWorkerOptions.observeRun`). */
export interface RunObserver {
  /** The engine the run uses instead of `engine` (for instance one that records each model call). */
  wrapEngine?(engine: Engine): Engine;
  /** Every run event, in order. */
  onEvent?(event: RunEvent): void;
  /**
   * How the delivery ended: the run's status (`failed` also for a delivery stopped by shutdown, a
   * lost lease or a wait for its child runs, which another delivery continues), the error that
   * stopped it, the calls awaiting approval.
   */
  end(outcome: { status: RunStatus; error?: unknown; pendingApprovals?: number }): void;
}

/** A running worker. */
export interface RunWorker {
  /** `host:pid:n`, recorded on the runs it executes. */
  readonly id: string;
  /** Runs executing now. */
  readonly activeRuns: number;
  /**
   * Stops taking jobs and waits for the active runs up to `deadlineMs` (default 30 s); runs still
   * going then are interrupted and put back on the queue (their checkpoints stay, another worker
   * continues them). Never hangs: a Redis that is gone does not block it past the deadline.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
}
