import {
  type CheckpointStoreReport,
  defaultCheckpointPath,
  inspectCheckpointStore,
  repairCheckpointStore,
} from '@hearth/core';
import type { Command } from 'commander';
import { ExitCode, printJson } from '../output.js';

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

/**
 * `hearth runs <subcommand>`: the runs in the checkpoint store. Subcommands register on the `runs`
 * command returned here (list, show and cancel come next to `doctor`).
 */
export function registerRunsCommand(program: Command): Command {
  const runs = program.command('runs').description('the runs kept in the checkpoint store');
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
