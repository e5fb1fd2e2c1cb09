import { mkdir } from 'node:fs/promises';
import type { ApprovalDecision, RunEvent, RunResult, RunTarget } from '@hearth/core';
import { openEngine } from '@hearth/model';
import { ExitCode, printJson } from '../output.js';
import { eventPrinter, type RunDisplay } from './live-view.js';
import { writeRunRecord } from './run-record.js';
import { runSummary } from './run-summary.js';

export interface ExecuteRunOptions {
  target: RunTarget;
  /** Where the target came from (a file path or example name), recorded for `--resume`. */
  source: string;
  model: string;
  workdir: string;
  checkpoints?: string;
  display: RunDisplay;
  input?: Record<string, unknown>;
  threadId?: string;
  resume?: { threadId: string; decision?: ApprovalDecision };
}

const writeLine = (line: string) => process.stdout.write(`${line}\n`);

/** The last thing a run prints: its summary as JSON, or where it paused, or its result. */
function printOutcome(
  display: RunDisplay,
  summary: ReturnType<typeof runSummary>,
  result: RunResult<unknown>,
) {
  if (display === 'json') printJson(summary);
  else if (display === 'stream') writeLine(JSON.stringify({ type: 'result', ...summary }));
  else if (result.status === 'paused') writeLine(`paused; continue with: ${summary.resume}`);
  else
    writeLine(
      `result: ${JSON.stringify(result.output, (key, value) => (key === 'data' ? `<${String(value).length} base64 chars>` : value), 2)}`,
    );
}

/**
 * Runs (or resumes) a target on a fresh engine and prints it as `display` asks. A new thread is
 * recorded first so `hearth run --resume <thread>` can find it after a pause or a kill.
 */
export async function executeRun(
  options: ExecuteRunOptions,
): Promise<{ exitCode: ExitCode; result: RunResult<unknown> }> {
  const { target, model, display } = options;
  const events: RunEvent[] = [];
  const show = eventPrinter(display, writeLine);
  if (display === 'live') writeLine(`${target.kind} ${target.name} on ${model}`);
  // File tools are rooted here; a fresh directory (e.g. the demo's) is made rather than refused.
  await mkdir(options.workdir, { recursive: true });
  const engine = await openEngine({ model });
  try {
    const runOptions = {
      engine,
      workdir: options.workdir,
      ...(options.checkpoints ? { checkpointer: options.checkpoints } : {}),
      onEvent: (event: RunEvent) => {
        events.push(event);
        show?.(event);
      },
    };
    let result: RunResult<unknown>;
    if (options.resume) {
      result = await target.resume(options.resume.threadId, options.resume.decision, runOptions);
    } else {
      const threadId = options.threadId ?? crypto.randomUUID();
      await target.assertNewThread(threadId, runOptions);
      await writeRunRecord(threadId, {
        target: options.source,
        model,
        workdir: options.workdir,
        ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
      });
      if (display === 'live') writeLine(`thread ${threadId}`);
      result = await target.run(options.input ?? {}, { ...runOptions, threadId });
    }
    printOutcome(display, runSummary(target.name, model, result, events), result);
    return { exitCode: result.status === 'paused' ? ExitCode.approvalNeeded : ExitCode.success, result };
  } finally {
    await engine.close();
  }
}
