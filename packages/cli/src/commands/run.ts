import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type AnyRunTarget,
  type ApprovalDecision,
  type Attachment,
  attachmentFromFile,
  PlannerInputError,
  type RunResult,
  RunTarget,
  type ToolDefinition,
  type WorkflowEvent,
} from '@hearth/core';
import { type Engine, hearthHome } from '@hearth/engine';
import { openEngine } from '@hearth/model';
import type { Command } from 'commander';
import { ExitCode, printJson } from '../output.js';

/** Where `hearth run` remembers what a thread was running, so `--resume <id>` needs no target. */
interface RunRecord {
  target: string;
  model: string;
  workdir: string;
  checkpoints?: string;
}

export interface RunCommandOptions {
  input?: string;
  image: string[];
  audio: string[];
  model?: string;
  thread?: string;
  resume?: string;
  approve?: boolean;
  deny?: boolean;
  json?: boolean;
  stream?: boolean;
  workdir?: string;
  checkpoints?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const runRecordPath = (threadId: string) =>
  join(hearthHome(), 'runs', `${threadId.replace(/[^\w.-]/g, '_')}.json`);

/** Registered example names, from the example packages (loaded only when a name is asked for). */
async function examples(): Promise<Map<string, AnyRunTarget>> {
  const found = new Map<string, AnyRunTarget>();
  for (const specifier of ['@hearth/workflows', '@hearth/agents']) {
    // An example package that is not installed or not built is simply not offered; a broken one is an error.
    let entry: string;
    try {
      entry = import.meta.resolve(specifier);
    } catch {
      continue;
    }
    if (!existsSync(fileURLToPath(entry))) continue;
    const module = (await import(entry)) as { examples?: Record<string, unknown> };
    for (const [name, value] of Object.entries(module.examples ?? {}))
      if (RunTarget.isRunTarget(value)) found.set(name, value);
  }
  return found;
}

/** The file a run target names: the path itself, with .ts/.js, an index file, or `<dir>/src/<name>.ts`. */
function resolveTargetFile(target: string): string | undefined {
  const path = resolve(target);
  const base = basename(path);
  const candidates = [
    path,
    `${path}.ts`,
    `${path}.js`,
    `${path}.mjs`,
    join(path, 'index.ts'),
    join(path, 'index.js'),
    join(dirname(path), 'src', `${base}.ts`),
    join(dirname(path), 'dist', `${base}.js`),
  ];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/**
 * Loads an agent or workflow from a file (TypeScript through tsx, or JavaScript) or by example name.
 * The module's default export, or its only exported agent/workflow, is the one that runs.
 */
export async function loadRunnable(target: string): Promise<{ runnable: RunTarget; target: string }> {
  const file = resolveTargetFile(target);
  if (file) {
    const module: Record<string, unknown> = ['.ts', '.mts'].includes(extname(file))
      ? await (await import('tsx/esm/api')).tsImport(pathToFileURL(file).href, import.meta.url)
      : await import(pathToFileURL(file).href);
    if (RunTarget.isRunTarget(module.default)) return { runnable: module.default, target: file };
    const exported = Object.entries(module).filter(([, value]) => RunTarget.isRunTarget(value));
    if (exported.length === 1) return { runnable: exported[0]?.[1] as RunTarget, target: file };
    throw new PlannerInputError(
      exported.length === 0
        ? `${file} exports no agent or workflow; export one made with defineAgent/defineWorkflow/definePlanner (default export preferred)`
        : `${file} exports several (${exported.map(([name]) => name).join(', ')}); make the one to run the default export`,
    );
  }
  const known = await examples();
  const byName = known.get(target) ?? known.get(basename(target));
  if (byName) return { runnable: byName, target: byName.name };
  throw new PlannerInputError(
    `no file or example named "${target}"; examples: ${[...known.keys()].join(', ') || 'none built (run npm run build)'}`,
  );
}

async function parseInput(raw: string | undefined): Promise<Record<string, unknown>> {
  if (raw === undefined) return {};
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = await readFile(raw.slice(1), 'utf8');
    } catch (error) {
      throw new PlannerInputError(`--input ${raw}: cannot read ${raw.slice(1)}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlannerInputError(`--input must be a JSON object or @file.json (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PlannerInputError('--input must be a JSON object, e.g. \'{"goal": "..."}\'');
  return value as Record<string, unknown>;
}

/**
 * The example agents and workflows as tools, for `hearth mcp serve`: a call runs the agent or
 * workflow to completion (or to a pause for approval, reported as an error result naming the thread).
 * One engine, started on the first call, serves them all; `close` stops it.
 */
export async function exampleTools(options: { model?: string; workdir: string }): Promise<{
  tools: ToolDefinition[];
  close(): Promise<void>;
}> {
  let engine: Promise<Engine> | undefined;
  const tools = [...(await examples()).values()].map(
    (runnable): ToolDefinition => ({
      name: runnable.name,
      description: `${runnable.kind}: ${runnable.description}`,
      input: runnable.input,
      run: async (input, context) => {
        engine ??= openEngine({ model: options.model ?? defaultModel(runnable) });
        return runnable.asTool({ engine: await engine, workdir: options.workdir }).run(input, context);
      },
    }),
  );
  return {
    tools,
    close: async () => {
      if (engine) await (await engine).close();
    },
  };
}

/** A readable live view: one line per node and tool call, indented by nesting. */
export function liveView(write: (line: string) => void): (event: WorkflowEvent) => void {
  // Start times per node (a list: parallel tasks of one node run at once), for durations.
  const started = new Map<string, number[]>();
  return (event) => {
    const indent = 'path' in event ? '  '.repeat(event.path.length) : '';
    switch (event.type) {
      case 'node-start': {
        const key = [...event.path, event.node].join('/');
        started.set(key, [...(started.get(key) ?? []), performance.now()]);
        write(`${indent}> ${event.node}`);
        break;
      }
      case 'node-end': {
        const start = started.get([...event.path, event.node].join('/'))?.shift();
        const took = start === undefined ? '' : ` ${((performance.now() - start) / 1000).toFixed(1)}s`;
        write(
          `${indent}${event.error ? `x ${event.node} failed${took}: ${event.error}` : `ok ${event.node}${took}`}`,
        );
        break;
      }
      case 'plan':
        write(`${indent}  plan (revision ${event.revision}):`);
        for (const step of event.plan.steps)
          write(
            `${indent}    [${step.id}] ${step.task.slice(0, 100)}${step.dependsOn.length ? ` (after ${step.dependsOn.join(', ')})` : ''}`,
          );
        break;
      case 'tool-call':
        write(`${indent}  -> ${event.tool} ${JSON.stringify(event.args).slice(0, 120)}`);
        break;
      case 'tool-result':
        write(
          `${indent}  <- ${event.tool}${event.isError ? ' (error)' : ''}: ${event.summary.replace(/\s+/g, ' ').slice(0, 120)}${event.media ? ` [+${event.media} media]` : ''}`,
        );
        break;
      case 'approval-required':
        for (const request of event.requests)
          for (const call of request.calls)
            write(`waiting for approval: ${call.tool} ${JSON.stringify(call.args).slice(0, 200)}`);
        break;
      default:
        break;
    }
  };
}

/** Media in results (attachments, tool screenshots) is shown by size, not as pages of base64. */
function withoutMediaBytes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, inner: unknown) =>
      key === 'data' && typeof inner === 'string' && inner.length > 200
        ? `<${Math.floor((inner.length * 3) / 4)} bytes, base64>`
        : inner,
    ),
  );
}

/** The `--json` document: the plan, the steps, the tool calls, and the result. */
export function runSummary(name: string, model: string, result: RunResult<unknown>, events: WorkflowEvent[]) {
  const plans = events.filter((event) => event.type === 'plan');
  const output = result.output as { plan?: unknown } | undefined;
  return {
    threadId: result.threadId,
    status: result.status,
    runnable: name,
    model,
    plan: output?.plan ?? plans.at(-1)?.plan ?? null,
    steps: result.steps,
    toolCalls: events
      .filter((event) => event.type === 'tool-result')
      .map((event) => ({
        tool: event.tool,
        isError: event.isError,
        summary: event.summary,
        media: event.media,
      })),
    result: withoutMediaBytes(result.output ?? null),
    pendingApprovals: result.pendingApprovals,
    ...(result.status === 'paused'
      ? { resume: `hearth run --resume ${result.threadId} --approve   (or --deny)` }
      : {}),
  };
}

interface ExecuteOptions {
  runnable: RunTarget;
  /** Remembered for `--resume`: a file path or example name. */
  target: string;
  model: string;
  workdir: string;
  checkpoints?: string;
  json?: boolean;
  stream?: boolean;
  input?: Record<string, unknown>;
  threadId?: string;
  resume?: { threadId: string; decision?: ApprovalDecision };
}

/** Runs (or resumes) and prints: live view, NDJSON events, or one JSON document. */
export async function executeRun(
  options: ExecuteOptions,
): Promise<{ exitCode: number; result: RunResult<unknown> }> {
  const { runnable, model } = options;
  const events: WorkflowEvent[] = [];
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const view = options.json
    ? undefined
    : options.stream
      ? (e: WorkflowEvent) => write(JSON.stringify(e))
      : liveView(write);
  if (!options.json && !options.stream) write(`${runnable.kind} ${runnable.name} on ${model}`);
  // File tools are rooted here; a fresh directory (e.g. the demo's) is made rather than refused.
  await mkdir(options.workdir, { recursive: true });
  const engine = await openEngine({ model });
  try {
    const runOptions = {
      engine,
      workdir: options.workdir,
      ...(options.checkpoints ? { checkpointer: options.checkpoints } : {}),
      onEvent: (event: WorkflowEvent) => {
        events.push(event);
        view?.(event);
      },
    };
    let result: RunResult<unknown>;
    if (options.resume) {
      result = await runnable.resume(options.resume.threadId, options.resume.decision, runOptions);
    } else {
      const threadId = options.threadId ?? crypto.randomUUID();
      const record: RunRecord = {
        target: options.target,
        model,
        workdir: options.workdir,
        ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
      };
      if (existsSync(runRecordPath(threadId))) {
        throw new PlannerInputError(
          `thread "${threadId}" already has a run; continue it with hearth run --resume ${threadId}, or pick a new --thread`,
        );
      }
      await mkdir(dirname(runRecordPath(threadId)), { recursive: true });
      await writeFile(runRecordPath(threadId), JSON.stringify(record));
      if (!options.json && !options.stream) write(`thread ${threadId}`);
      result = await runnable.run(options.input ?? {}, { ...runOptions, threadId });
    }
    const summary = runSummary(runnable.name, model, result, events);
    if (options.json) printJson(summary);
    else if (options.stream) write(JSON.stringify({ type: 'result', ...summary }));
    else if (result.status === 'paused') write(`paused; continue with: ${summary.resume}`);
    else
      write(
        `result: ${JSON.stringify(result.output, (key, value) => (key === 'data' ? `<${String(value).length} base64 chars>` : value), 2)}`,
      );
    return { exitCode: result.status === 'paused' ? ExitCode.approvalNeeded : ExitCode.success, result };
  } finally {
    await engine.close();
  }
}

/** `hearth run`: runs an agent or workflow, or resumes a paused/killed run. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run an agent or workflow (a .ts/.js file or an example name), or resume a run by thread id')
    .argument('[target]', 'file (workflows/bug-report, ./my-agent.ts) or example name (bug-report)')
    .option('--input <json>', 'input as JSON, or @file.json')
    .option('--image <file>', 'attach an image (repeatable); it reaches the model as an image', collect, [])
    .option('--audio <file>', 'attach an audio clip (repeatable); it reaches the model as audio', collect, [])
    .option('--model <preset|path>', "model preset or GGUF path (default: the definition's model)")
    .option('--thread <id>', 'thread id to run under (default: a new UUID); checkpoints are kept under it')
    .option('--resume <id>', 'continue the run with this thread id (after a pause or a kill)')
    .option('--approve', 'with --resume: approve the pending tool calls')
    .option('--deny', 'with --resume: deny the pending tool calls')
    .option('--workdir <dir>', 'root directory for file tools (default: the current directory)')
    .option('--checkpoints <file>', 'SQLite checkpoint file (default: $HEARTH_HOME/checkpoints.sqlite)')
    .option('--json', 'print one JSON object: thread, status, plan, steps, tool calls, result')
    .option('--stream', 'print every event as one JSON line while the run goes (tokens included)')
    .addHelpText(
      'after',
      '\nExit codes: 0 finished, 1 failed, 2 bad usage or input, 3 model failure, 4 paused waiting for approval.\n' +
        'Examples:\n  hearth run workflows/bug-report --model tiny --image shot.png --audio note.wav --json\n' +
        '  hearth run --resume <thread> --approve',
    )
    .action(async (target: string | undefined, options: RunCommandOptions) => {
      process.exitCode = (await runCommand(target, options)).exitCode;
    });
}

async function runCommand(
  target: string | undefined,
  options: RunCommandOptions,
): Promise<{ exitCode: number }> {
  if (options.approve && options.deny) throw new PlannerInputError('give --approve or --deny, not both');
  if ((options.approve || options.deny) && !options.resume)
    throw new PlannerInputError('--approve/--deny decide a paused run: add --resume <thread>');
  if (options.resume) {
    let record: RunRecord | undefined;
    try {
      record = JSON.parse(await readFile(runRecordPath(options.resume), 'utf8')) as RunRecord;
    } catch {
      if (!target)
        throw new PlannerInputError(
          `unknown thread "${options.resume}": no run with this id was started here; give the target too`,
        );
    }
    const loaded = await loadRunnable(target ?? (record?.target as string));
    return executeRun({
      runnable: loaded.runnable,
      target: loaded.target,
      model: options.model ?? record?.model ?? defaultModel(loaded.runnable),
      workdir: resolve(options.workdir ?? record?.workdir ?? process.cwd()),
      ...((options.checkpoints ?? record?.checkpoints)
        ? { checkpoints: options.checkpoints ?? record?.checkpoints }
        : {}),
      json: options.json,
      stream: options.stream,
      resume: {
        threadId: options.resume,
        ...(options.approve || options.deny ? { decision: { approve: options.approve === true } } : {}),
      },
    });
  }
  if (!target)
    throw new PlannerInputError('name what to run: hearth run <file-or-example> (see hearth run --help)');
  const loaded = await loadRunnable(target);
  const input = await parseInput(options.input);
  const files: Attachment[] = [
    ...(await Promise.all(options.image.map((file) => attachmentFromFile(file, 'image')))),
    ...(await Promise.all(options.audio.map((file) => attachmentFromFile(file, 'audio')))),
  ];
  if (files.length > 0)
    input.attachments = [...((input.attachments as Attachment[] | undefined) ?? []), ...files];
  return executeRun({
    runnable: loaded.runnable,
    target: loaded.target,
    model: options.model ?? defaultModel(loaded.runnable),
    workdir: resolve(options.workdir ?? process.cwd()),
    ...(options.checkpoints ? { checkpoints: resolve(options.checkpoints) } : {}),
    json: options.json,
    stream: options.stream,
    input,
    ...(options.thread ? { threadId: options.thread } : {}),
  });
}

function defaultModel(runnable: RunTarget): string {
  if (!runnable.model)
    throw new PlannerInputError(
      `${runnable.kind} "${runnable.name}" names no default model: pass --model <preset|path>`,
    );
  return runnable.model;
}
