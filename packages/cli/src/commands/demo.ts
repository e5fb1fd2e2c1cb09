import { join, resolve } from 'node:path';
import { attachmentFromFile } from '@hearth/core';
import { hearthHome } from '@hearth/engine';
import type { Command } from 'commander';
import { executeRun } from '../run/execute-run.js';
import { displayFor } from '../run/live-view.js';
import { loadRunTarget } from '../run/load-target.js';

interface DemoOptions {
  json?: boolean;
  stream?: boolean;
  workdir?: string;
}

/**
 * `hearth demo`: the bug-report workflow, fully offline, on the testkit's tiny Gemma 4 (random weights:
 * the text is gibberish, the path is real) with the testkit's screenshot and spoken note as media.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the bug-report example workflow offline: a screenshot and a spoken note -> plan -> browser inspection -> report file, on the tiny testkit model',
    )
    .option('--workdir <dir>', 'where the report is written (default: $HEARTH_HOME/demo)')
    .option('--json', 'print one JSON object: thread, status, plan, steps, tool calls, result')
    .option('--stream', 'print every event as one JSON line')
    .action(async (options: DemoOptions) => {
      // Everything the demo needs is generated locally; never reach for the network.
      process.env.HEARTH_OFFLINE = '1';
      const { makeMediaFixtures } = await import('@hearth/testkit');
      const fixtures = await makeMediaFixtures();
      const { target, source } = await loadRunTarget('bug-report');
      const workdir = resolve(options.workdir ?? join(hearthHome(), 'demo'));
      const { exitCode, result } = await executeRun({
        target,
        source,
        model: 'tiny',
        workdir,
        display: displayFor(options),
        input: {
          attachments: [
            await attachmentFromFile(fixtures.screenshotPng, 'image'),
            await attachmentFromFile(fixtures.speechWav, 'audio'),
          ],
        },
      });
      process.exitCode = exitCode;
      const reportPath = (result.output as { reportPath?: string } | undefined)?.reportPath;
      if (reportPath && !options.json && !options.stream)
        process.stdout.write(`report: ${join(workdir, reportPath)}\n`);
    });
}
