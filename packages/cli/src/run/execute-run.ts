import { mkdir } from 'node:fs/promises';
import {
  type ApprovalDecision,
  MissingEngineError,
  type RunEvent,
  type RunResult,
  type RunTarget,
} from '@hearth/core';
import { llamaNodeSimdWarning, openEngine } from '@hearth/model';
import { startTracing } from '@hearth/tracing';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode, printJson } from '../output.js';
import { eventPrinter, type RunDisplay } from './live-view.js';
import { LocalRunTracker } from './local-runs.js';
import { runSummary } from './run-summary.js';

export interface ExecuteRunOptions {
  target: RunTarget;
  /** Where the target came from (a file path or example name), recorded for `--resume`. */
  source: string;
  /** None: the run gets no engine (a target that calls no model; a node that does fails by name). */
  model?: string;
  /** Default: the fastest engine available. */
  engine?: 'native' | 'llama-node';
  workdir: string;
  checkpoints?: string;
  display: RunDisplay;
  /** Tool-result events carry the images and audio tools return (`hearth run --stream-media`). */
  streamMedia?: boolean;
  input?: Record<string, unknown>;
  threadId?: string;
  resume?: { threadId: string; decision?: ApprovalDecision };
}

const writeLine = (line: string) => process.stdout.write(`${line}\n`);

/** The last thing a run prints: its summary as JSON, or where it paused, or its result. */
function printOutcome(display: RunDisplay, summary: ReturnType<typeof runSummary>) {
  if (display === 'json') printJson(summary);
  else if (display === 'stream') writeLine(JSON.stringify({ type: 'result', ...summary }));
  else if (summary.status === 'paused') writeLine(`paused; continue with: ${summary.resume}`);
  else if (summary.status === 'done') writeLine(`result: ${JSON.stringify(summary.output, null, 2)}`);
}

/**
 * Runs (or resumes) a target on a fresh engine (none without a model) and prints it as `display`
 * asks. A new thread is recorded first so `hearth run --resume <thread>` can find it after a pause
 * or a kill.
 */
export async function executeRun(
  options: ExecuteRunOptions,
): Promise<{ exitCode: ExitCode; result: RunResult<unknown> }> {
  const { target, model, display } = options;
  const events: RunEvent[] = [];
  const show = eventPrinter(display, writeLine);
  // File tools are rooted here; a fresh directory (e.g. the demo's) is made rather than refused.
  await mkdir(options.workdir, { recursive: true });
  const runId = options.resume?.threadId ?? options.threadId ?? crypto.randomUUID();
  const tracker = new LocalRunTracker(runId);
  const startedAt = new Date();
  const engine = model
    ? await openEngine({ model }, options.engine ? { engine: options.engine } : {})
    : undefined;
  if (display === 'live')
    writeLine(
      engine
        ? `${target.kind} ${target.name} on ${model} (${engine.info.engine} engine)`
        : `${target.kind} ${target.name} (no model)`,
    );
  const simdWarning = engine?.info.engine === 'llama-node' ? llamaNodeSimdWarning() : undefined;
  if (simdWarning) process.stderr.write(`[engine] warning: ${simdWarning}\n`);
  // Spans go out only when OTEL_EXPORTER_OTLP_ENDPOINT is set; prompts and replies only with HEARTH_TRACE_CONTENT=1.
  const tracing = startTracing();
  const trace = tracing?.startRun({
    runId,
    target: target.name,
    targetKind: target.kind,
    ...(model ? { model } : {}),
    resumed: options.resume !== undefined,
  });
  try {
    const runOptions = {
      ...(engine ? { engine: trace?.traceEngine(engine) ?? engine } : {}),
      workdir: options.workdir,
      ...(options.checkpoints ? { checkpointer: options.checkpoints } : {}),
      // `hearth runs cancel` stops the run through this signal.
      signal: tracker.signal,
      ...(options.streamMedia ? { eventMedia: true } : {}),
      onEvent: (event: RunEvent) => {
        events.push(event);
        tracker.onEvent(event);
        trace?.onEvent(event);
        show?.(event);
      },
    };
    let result: RunResult<unknown>;
    try {
      result = options.resume
        ? await target.resume(runId, options.resume.decision, runOptions)
        : await startRun(options, runId, runOptions, tracker);
    } catch (thrown) {
      // Without a model the run had no engine; a node needing one is a usage mistake the flag fixes.
      const error =
        !model && MissingEngineError.isInstance(thrown)
          ? new UsageError(
              `node "${thrown.node}" needs a model, and ${target.kind} "${target.name}" names no default model: pass --model <preset|path>`,
            )
          : thrown;
      const call = { target, runId, startedAt, endedAt: new Date(), error, signal: tracker.signal };
      const summary = runSummary(call, model, events);
      tracker.end(summary);
      trace?.end({ status: summary.status, error });
      // A failed run still ends with its summary (status `failed`, the error's code) for programs
      // reading --json or --stream; the error itself then decides the exit code.
      if (display !== 'live') printOutcome(display, summary);
      throw tracker.failure(error);
    }
    const summary = runSummary({ target, runId, startedAt, endedAt: new Date(), result }, model, events);
    tracker.end(summary);
    trace?.end({ status: summary.status, pendingApprovals: result.pendingApprovals.length });
    printOutcome(display, summary);
    return { exitCode: result.status === 'paused' ? ExitCode.approvalNeeded : ExitCode.success, result };
  } finally {
    await engine?.close();
    const unsent = await tracing?.shutdown();
    if (unsent) process.stderr.write(`[tracing] warning: ${unsent}\n`);
  }
}

/** A new run: the thread must be new, and is recorded first so `--resume` can find it after a pause or kill. */
async function startRun(
  options: ExecuteRunOptions,
  runId: string,
  runOptions: Parameters<RunTarget['run']>[1],
  tracker: LocalRunTracker,
): Promise<RunResult<unknown>> {
  const { target, display } = options;
  await target.assertNewThread(runId, runOptions);
  tracker.begin({
    target: options.source,
    ...(options.model ? { model: options.model } : {}),
    workdir: options.workdir,
    ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
  });
  if (display === 'live') writeLine(`thread ${runId}`);
  return target.run(options.input ?? {}, { ...runOptions, threadId: runId });
}
