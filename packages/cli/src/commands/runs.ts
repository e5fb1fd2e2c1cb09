import { basename } from 'node:path';
import {
  type CheckpointStoreReport,
  defaultCheckpointPath,
  inspectCheckpointStore,
  repairCheckpointStore,
} from '@hearth/core';
import { HearthError } from '@hearth/engine';
import type { QueuedRun } from '@hearth/queue';
import type { Command } from 'commander';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import { ExitCode, exitCodeFor, printJson } from '../output.js';
import { liveView } from '../run/live-view.js';
import {
  cancelLocalRun,
  type LocalRunView,
  type LoggedRunEvent,
  listLocalRuns,
  showLocalRun,
} from '../run/local-runs.js';
import { openQueueFrom, type QueueFlags, queueOptionHelp } from '../run/queue-connection.js';
import { cancelQueuedRun, type QueueRunView, queuedRunEvents, queueRunView } from '../run/queued-runs.js';

interface DoctorOptions {
  checkpoints?: string;
  repair?: boolean;
  json?: boolean;
}

const write = (line = '') => process.stdout.write(`${line}\n`);

function printReport(report: CheckpointStoreReport): void {
  if (!report.exists) {
    write(`${report.path}: no checkpoint store yet (the first run creates it)`);
    return;
  }
  const wal = report.walBytes ? `, ${report.walBytes} bytes in -wal` : '';
  write(`${report.path}: ${report.bytes} bytes${wal}`);
  write(report.healthy ? 'healthy' : `DAMAGED: ${report.problem}`);
  write(
    `${report.threads.length} runs (threads), ${report.readable.checkpoints} checkpoints and ${report.readable.writes} pending writes ${report.healthy ? '' : 'readable'}`.trimEnd(),
  );
  for (const thread of report.threads)
    write(`  ${thread.threadId}  ${thread.checkpoints} checkpoints, last ${thread.lastCheckpointId}`);
}

/** `hearth runs doctor`: checks the checkpoint store, lists its runs, and repairs it on request. */
async function doctor(options: DoctorOptions): Promise<void> {
  const path = options.checkpoints ?? defaultCheckpointPath();
  const report = inspectCheckpointStore(path);
  if (options.repair && report.exists && !report.healthy) {
    const repair = repairCheckpointStore(path);
    if (options.json) return printJson({ before: report, repair });
    printReport(report);
    write();
    write(
      `Repaired: ${repair.recovered.checkpoints} checkpoints and ${repair.recovered.writes} writes of ${repair.report.threads.length} runs copied to a fresh ${path}.`,
    );
    write(`The damaged file is kept as ${repair.damagedPath} (remove it once you no longer need it).`);
    return;
  }
  if (options.json) printJson(report);
  else {
    printReport(report);
    if (!report.healthy)
      write(
        `\nHearth will not write to this file. Run \`hearth runs doctor${options.checkpoints ? ` --checkpoints ${path}` : ''} --repair\` to copy the readable runs to a fresh file (the damaged one is kept).`,
      );
  }
  if (!report.healthy) process.exitCode = ExitCode.failure;
}

/** A run as `hearth runs` lists it: started here, or on the queue. */
type RunView = LocalRunView | QueueRunView;

/** A column of at least `width` characters (the table stays aligned for ids of any length). */
const cell = (text: string, width: number) => text.padEnd(width);
const shortTime = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');
const targetName = (target: string) => basename(target).replace(/\.(m?ts|m?js)$/, '');

function printTable(runs: RunView[]): void {
  if (runs.length === 0) {
    write('no runs yet (hearth run <target> starts one)');
    return;
  }
  const idWidth = Math.max(6, ...runs.map((run) => run.runId.length));
  const targetWidth = Math.max(6, ...runs.map((run) => targetName(run.target).length));
  write(
    `${cell('RUN ID', idWidth)}  ${cell('STATUS', 9)}  ${cell('WHERE', 5)}  ${cell('TARGET', targetWidth)}  UPDATED`,
  );
  for (const run of runs)
    write(
      `${cell(run.runId, idWidth)}  ${cell(run.status, 9)}  ${cell(run.where, 5)}  ${cell(targetName(run.target), targetWidth)}  ${shortTime(run.updatedAt)}`,
    );
}

interface ListOptions extends QueueFlags {
  json?: boolean;
}

/** Runs `use` with the queue the flags or environment name (undefined when none), and closes it. */
async function withQueue<T>(
  flags: QueueFlags,
  use: (queue: Awaited<ReturnType<typeof openQueueFrom>>) => Promise<T>,
): Promise<T> {
  const queue = await openQueueFrom(flags);
  try {
    return await use(queue);
  } finally {
    await queue?.close();
  }
}

const byUpdate = (a: RunView, b: RunView) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '');

/** Whether `error` says the queue's Redis or Postgres cannot be used (unreachable or too old). */
async function isQueueConnectionError(error: unknown): Promise<boolean> {
  if (!HearthError.isInstance(error)) return false;
  // Loaded only on this error path: a queue error means the queue library is loaded already.
  const { QueueConnectionError } = await import('@hearth/queue');
  return QueueConnectionError.isInstance(error);
}

/**
 * `hearth runs list`: every run started here and, with a queue configured, every queued run, newest
 * first. A configured queue that cannot be reached does not hide the local runs: they are listed, the
 * queue's error goes to stderr as a warning, and the exit code is the queue error's (1), since the
 * list is incomplete.
 */
async function list(options: ListOptions): Promise<void> {
  let queued: QueuedRun[] = [];
  try {
    queued = await withQueue(options, async (queue) => (queue ? await queue.list() : []));
  } catch (error) {
    if (!(await isQueueConnectionError(error))) throw error;
    process.stderr.write(
      `hearth: warning: queued runs not listed, only local ones: ${(error as Error).message}\n`,
    );
    process.exitCode = exitCodeFor(error);
  }
  const runs: RunView[] = [...listLocalRuns(), ...queued.map(queueRunView)].sort(byUpdate);
  if (options.json) printJson(runs.map(({ summary: _summary, ...run }) => run));
  else printTable(runs);
}

function printRun(run: RunView & { events: LoggedRunEvent[] }): void {
  write(`run ${run.runId} (${run.where})`);
  write(`  target   ${run.target}`);
  const noModel = run.where === 'queue' ? "(the worker's choice)" : '(none: it calls no model)';
  write(`  model    ${run.model ?? noModel}   workdir ${run.workdir ?? '-'}`);
  write(
    `  status   ${run.status}   created ${shortTime(run.createdAt)}   updated ${shortTime(run.updatedAt)}`,
  );
  if (run.where === 'queue')
    write(`  worker   ${run.worker ?? '-'}   deliveries ${run.deliveries} of ${run.attempts} allowed`);
  if (run.error) write(`  error    ${run.error.code ? `${run.error.code}: ` : ''}${run.error.message}`);
  const steps = run.summary?.steps ?? [];
  if (steps.length > 0) {
    write('steps (last call):');
    for (const step of steps)
      write(
        `  ${[...step.path, step.node].join('/')}  ${step.status}  ${(step.durationMs / 1000).toFixed(1)}s`,
      );
  }
  if (run.events.length > 0) {
    write('events:');
    let loggedAt: number | undefined;
    const show = liveView(
      (line) => write(`  ${line}`),
      () => loggedAt,
    );
    for (const event of run.events) {
      loggedAt = event.at;
      show(event);
    }
  }
  if (run.status === 'done')
    write(
      `result: ${JSON.stringify((run.where === 'queue' ? run.output : run.summary?.output) ?? null, null, 2)}`,
    );
  if (run.status === 'paused')
    write(
      `paused; continue with: hearth run --resume ${run.runId}${run.where === 'queue' ? ' --queue' : ''} --approve   (or --deny)`,
    );
}

/** Where `hearth runs show|cancel` looked for a run id it did not find. */
const lookedIn = (queue: unknown) =>
  queue
    ? 'the local runs ($HEARTH_HOME/runs) nor the queue'
    : 'the local runs ($HEARTH_HOME/runs; no queue configured: set HEARTH_REDIS_URL and HEARTH_POSTGRES_URL to look there too)';

/** `hearth runs show <id>`: one run's status, steps, events and result (local first, then the queue). */
async function show(runId: string, options: ListOptions): Promise<void> {
  const local = showLocalRun(runId);
  const run =
    local ??
    (await withQueue(options, async (queue) => {
      const queued = await queue?.get(runId);
      if (!queued) throw new RunNotFoundError(runId, lookedIn(queue));
      return {
        ...queueRunView(queued),
        events: await queuedRunEvents(queue as NonNullable<typeof queue>, runId),
      };
    }));
  if (options.json) printJson(run);
  else printRun(run);
}

/** `hearth runs cancel <id>`: stops a running run, or closes a queued, paused or interrupted one. */
async function cancel(runId: string, options: ListOptions): Promise<void> {
  const run =
    (await cancelLocalRun(runId)) ??
    (await withQueue(options, async (queue) => {
      if (!queue || !(await queue.get(runId))) throw new RunNotFoundError(runId, lookedIn(queue));
      return cancelQueuedRun(queue, runId);
    }));
  if (options.json) printJson(run);
  else write(`run ${runId}: ${run.status}`);
}

/** `--redis-url` and `--postgres-url` on a subcommand. */
const withQueueOptions = (command: Command) =>
  command
    .option('--redis-url <url>', queueOptionHelp.redisUrl)
    .option('--postgres-url <url>', queueOptionHelp.postgresUrl);

/**
 * `hearth runs <subcommand>`: the runs started here (list, show, cancel) and the checkpoint store
 * that keeps them (doctor).
 */
export function registerRunsCommand(program: Command): Command {
  const runs = program
    .command('runs')
    .description('list, show and cancel runs; check the checkpoint store that keeps them');
  withQueueOptions(
    runs
      .command('list')
      .description(
        'the runs started on this machine (HEARTH_HOME) and, when a queue is configured, the queued runs; newest first, with their status. ' +
          'When the configured queue cannot be reached, the local runs are still listed (with --json, still one array), a warning naming the unreachable server goes to stderr, and the exit code is 1',
      ),
  )
    .option(
      '--json',
      'print an array of runs: runId (= thread), status (queued|running|paused|done|failed|cancelled), where (local|queue), target, times',
    )
    .action((options: ListOptions) => list(options));
  withQueueOptions(runs.command('show'))
    .description('one run: status, steps, events (as the live view printed them) and result or error')
    .argument('<run-id>', 'the run id (its thread id)')
    .option('--json', 'print the run, its last summary and its events as JSON')
    .action((runId: string, options: ListOptions) => show(runId, options));
  withQueueOptions(runs.command('cancel'))
    .description(
      'cancel a run: a running one stops at once (its process or worker records it cancelled); a queued, paused or interrupted one is marked cancelled. ' +
        'Exits 1 for a run that has already ended',
    )
    .argument('<run-id>', 'the run id (its thread id)')
    .option('--json', 'print the run as it is after cancelling')
    .action((runId: string, options: ListOptions) => cancel(runId, options));
  runs
    .command('doctor')
    .description(
      'check the checkpoint store (SQLite quick check, empty or truncated files) and list the runs it holds; ' +
        'exits 1 when it is damaged. With --repair, copy every readable run to a fresh file and keep the damaged one as <file>.damaged-<time>',
    )
    .option('--checkpoints <file>', 'SQLite checkpoint file (default: $HEARTH_HOME/checkpoints.sqlite)')
    .option(
      '--repair',
      'when damaged: copy the readable runs to a fresh file, keep the damaged one beside it',
    )
    .option('--json', 'print the report (and the repair) as JSON')
    .action((options: DoctorOptions) => doctor(options));
  return runs;
}
