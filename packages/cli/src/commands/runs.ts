import { basename } from 'node:path';
import {
  type CheckpointStoreReport,
  defaultCheckpointPath,
  inspectCheckpointStore,
  repairCheckpointStore,
} from '@hearth/core';
import type { Command } from 'commander';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import { ExitCode, printJson } from '../output.js';
import { liveView } from '../run/live-view.js';
import {
  cancelLocalRun,
  type LocalRunView,
  type LoggedRunEvent,
  listLocalRuns,
  showLocalRun,
} from '../run/local-runs.js';

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

/** A run as `hearth runs` lists it. */
type RunView = LocalRunView;

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

interface ListOptions {
  json?: boolean;
}

/** `hearth runs list`: every run started here, newest first. */
function list(options: ListOptions): void {
  const runs: RunView[] = listLocalRuns();
  if (options.json) printJson(runs.map(({ summary: _summary, ...run }) => run));
  else printTable(runs);
}

function printRun(run: RunView & { events: LoggedRunEvent[] }): void {
  write(`run ${run.runId} (${run.where})`);
  write(`  target   ${run.target}`);
  write(`  model    ${run.model}   workdir ${run.workdir}`);
  write(
    `  status   ${run.status}   created ${shortTime(run.createdAt)}   updated ${shortTime(run.updatedAt)}`,
  );
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
    let loggedAt = 0;
    const show = liveView(
      (line) => write(`  ${line}`),
      () => loggedAt,
    );
    for (const event of run.events) {
      loggedAt = event.at;
      show(event);
    }
  }
  if (run.status === 'done') write(`result: ${JSON.stringify(run.summary?.output ?? null, null, 2)}`);
  if (run.status === 'paused')
    write(`paused; continue with: hearth run --resume ${run.runId} --approve   (or --deny)`);
}

/** `hearth runs show <id>`: one run's status, steps, events and result. */
function show(runId: string, options: ListOptions): void {
  const run = showLocalRun(runId);
  if (!run) throw new RunNotFoundError(runId, 'the local runs ($HEARTH_HOME/runs)');
  if (options.json) printJson(run);
  else printRun(run);
}

/** `hearth runs cancel <id>`: stops a running run, or closes a paused or interrupted one. */
async function cancel(runId: string, options: ListOptions): Promise<void> {
  const run = await cancelLocalRun(runId);
  if (!run) throw new RunNotFoundError(runId, 'the local runs ($HEARTH_HOME/runs)');
  if (options.json) printJson(run);
  else write(`run ${runId}: ${run.status}`);
}

/**
 * `hearth runs <subcommand>`: the runs started here (list, show, cancel) and the checkpoint store
 * that keeps them (doctor).
 */
export function registerRunsCommand(program: Command): Command {
  const runs = program
    .command('runs')
    .description('list, show and cancel runs; check the checkpoint store that keeps them');
  runs
    .command('list')
    .description('the runs started on this machine (HEARTH_HOME), newest first, with their status')
    .option(
      '--json',
      'print an array of runs: runId (= thread), status (running|paused|done|failed|cancelled), target, times',
    )
    .action((options: ListOptions) => list(options));
  runs
    .command('show')
    .description('one run: status, steps, events (as the live view printed them) and result or error')
    .argument('<run-id>', 'the run id (its thread id)')
    .option('--json', 'print the run, its last summary and its events as JSON')
    .action((runId: string, options: ListOptions) => show(runId, options));
  runs
    .command('cancel')
    .description(
      'cancel a run: a running one stops at once (its process records it cancelled); a paused or interrupted one is marked cancelled. ' +
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
