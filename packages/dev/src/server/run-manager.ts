import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunEvent, RunSummary } from '@hearth/engine';
import type { ReceivedSpan } from '@hearth/tracing';
import type { DevProject, RunMessage, RunView, StartRunRequest } from './api-types.js';
import { DevRequestError } from './dev-request-error.js';

/** How the dev server starts `hearth`: the same program and flags as the `hearth dev` process. */
export interface HearthCommand {
  /** `process.execPath`. */
  node: string;
  /** Node flags and the CLI entry point, e.g. `[...process.execArgv, process.argv[1]]`. */
  args: string[];
}

export interface RunManagerOptions {
  project: DevProject;
  hearth: HearthCommand;
  /** Where run records, attachments and spans are kept (`$HEARTH_HOME/dev`). */
  stateDir: string;
  /** Checkpoint threads and their checkpoint counts (from the checkpoint store, read on each call). */
  checkpointThreads: () => Map<string, number>;
  /** The OTLP/HTTP endpoint (with its token header) a run's process sends its spans to. */
  otlp: (runId: string) => { url: string; headers: string };
}

interface RunRecord {
  view: RunView;
  source: string;
  events: RunEvent[];
  spans: ReceivedSpan[];
}

const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
const mimeTypes: Record<'image' | 'audio', RegExp> = {
  image: /^image\/(png|jpeg|gif|webp|bmp)$/,
  audio: /^audio\/(wav|x-wav|wave|mpeg|mp3|flac|ogg)$/,
};
/** A preset name or a path; never starting with a dash, which `hearth run` would read as a flag. */
const modelPattern = /^(?!-)[\w.:/@+-]{1,300}$/;

/** A file name safe to write in the run's folder (the user's name, stripped to plain characters). */
const safeName = (name: string, index: number) =>
  `${index}-${
    basename(name)
      .replace(/[^\w.-]+/g, '_')
      .slice(0, 80) || 'attachment'
  }`;

/** Keeps token events as one per source run of text, so a stored run does not hold one event per token. */
function appendEvent(events: RunEvent[], event: RunEvent): void {
  const last = events.at(-1);
  if (
    event.type === 'token' &&
    last?.type === 'token' &&
    last.source === event.source &&
    last.path.join('/') === event.path.join('/')
  ) {
    events[events.length - 1] = { ...last, text: last.text + event.text };
    return;
  }
  events.push(event);
}

/**
 * Runs of the project, each a `hearth run --stream` process (so a run, its approvals and its resume go
 * through the same code and the same decision path as on the command line), with what they reported
 * kept on disk for the history.
 */
export class RunManager {
  private readonly runs = new Map<string, RunRecord>();
  private readonly children = new Map<string, ChildProcess>();
  private readonly listeners = new Map<string, Set<(message: RunMessage) => void>>();
  private readonly runsDir: string;

  constructor(private readonly options: RunManagerOptions) {
    this.runsDir = join(options.stateDir, 'runs');
    mkdirSync(this.runsDir, { recursive: true });
    for (const entry of readdirSync(this.runsDir)) {
      const file = join(this.runsDir, entry, 'run.json');
      if (!existsSync(file)) continue;
      try {
        const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
        // A run whose dev server stopped while it ran was killed with it.
        if (record.view.live || record.view.status === 'starting' || record.view.status === 'running')
          record.view = { ...record.view, live: false, status: 'killed' };
        this.runs.set(record.view.runId, record);
      } catch {
        // A record cut short by a crash is skipped; its checkpoints still list it as another thread.
      }
    }
  }

  list(): { runs: RunView[]; otherThreads: { threadId: string; checkpoints: number }[] } {
    const threads = this.options.checkpointThreads();
    const runs = [...this.runs.values()]
      .map((record) => ({ ...record.view, checkpoints: threads.get(record.view.runId) ?? 0 }))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const otherThreads = [...threads]
      .filter(([threadId]) => !this.runs.has(threadId))
      .map(([threadId, checkpoints]) => ({ threadId, checkpoints }));
    return { runs, otherThreads };
  }

  snapshot(runId: string): Extract<RunMessage, { type: 'snapshot' }> {
    const record = this.record(runId);
    const checkpoints = this.options.checkpointThreads().get(runId) ?? 0;
    return {
      type: 'snapshot',
      run: { ...record.view, checkpoints },
      events: record.events,
      spans: record.spans,
    };
  }

  /** Calls `listener` with every change of the run until the returned function is called. */
  subscribe(runId: string, listener: (message: RunMessage) => void): () => void {
    this.record(runId);
    let set = this.listeners.get(runId);
    if (!set) {
      set = new Set();
      this.listeners.set(runId, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Starts a run of a project target; the input is checked by `hearth run` itself (exit 2 with the reason). */
  start(request: StartRunRequest): RunView {
    const target = this.options.project.targets.find((candidate) => candidate.name === request.target);
    if (!target)
      throw new DevRequestError(
        `no agent or workflow named "${String(request.target)}" in this project; known: ${this.options.project.targets.map((t) => t.name).join(', ')}`,
      );
    if (typeof request.model !== 'string' || !modelPattern.test(request.model))
      throw new DevRequestError('model: give a preset name or a GGUF path (letters, digits, . _ - / : @ +)');
    if (typeof request.input !== 'object' || request.input === null || Array.isArray(request.input))
      throw new DevRequestError('input must be a JSON object');
    const attachments = Array.isArray(request.attachments) ? request.attachments : [];
    const files = attachments.map((attachment, index) => {
      const where = `attachments[${index}] (${String(attachment?.name)})`;
      if (attachment?.kind !== 'image' && attachment?.kind !== 'audio')
        throw new DevRequestError(`${where}: kind must be "image" or "audio"`);
      if (!mimeTypes[attachment.kind].test(String(attachment.mimeType)))
        throw new DevRequestError(
          `${where}: ${String(attachment.mimeType)} is not a supported ${attachment.kind} type (images: PNG, JPEG, GIF, WebP, BMP; audio: WAV, MP3, FLAC, Ogg)`,
        );
      const bytes = Buffer.from(String(attachment.data), 'base64');
      if (bytes.length === 0 || bytes.length > MAX_ATTACHMENT_BYTES)
        throw new DevRequestError(
          `${where}: the file must hold 1 byte to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`,
        );
      return { flag: `--${attachment.kind}`, name: safeName(attachment.name, index), bytes };
    });
    const runId = randomUUID();
    const dir = join(this.runsDir, runId);
    mkdirSync(dir, { recursive: true });
    const mediaFlags = files.flatMap(({ flag, name, bytes }) => {
      writeFileSync(join(dir, name), bytes);
      return [flag, join(dir, name)];
    });
    const inputFile = join(dir, 'input.json');
    writeFileSync(inputFile, JSON.stringify(request.input));
    const record: RunRecord = {
      source: target.source,
      events: [],
      spans: [],
      view: {
        runId,
        target: target.name,
        targetKind: target.kind,
        model: request.model,
        status: 'starting',
        live: true,
        startedAt: new Date().toISOString(),
        pendingApprovals: [],
        attachments: attachments.map(({ kind, name, mimeType }) => ({ kind, name, mimeType })),
        artifacts: [],
        checkpoints: 0,
      },
    };
    this.runs.set(runId, record);
    this.spawnRun(record, [
      'run',
      target.source,
      '--stream',
      '--stream-media',
      `--model=${request.model}`,
      '--thread',
      runId,
      '--workdir',
      this.options.project.root,
      '--input',
      `@${inputFile}`,
      ...mediaFlags,
    ]);
    return record.view;
  }

  /** Approves or denies a paused run's calls: `hearth run --resume <id> --approve|--deny`. */
  decide(runId: string, approve: boolean): RunView {
    const record = this.record(runId);
    if (record.view.live) throw new DevRequestError(`run ${runId} is still running`, 409);
    if (record.view.status !== 'paused')
      throw new DevRequestError(
        `run ${runId} is not waiting for approval (it is ${record.view.status})`,
        409,
      );
    this.spawnRun(record, [
      'run',
      '--resume',
      runId,
      approve ? '--approve' : '--deny',
      '--stream',
      '--stream-media',
    ]);
    return record.view;
  }

  /** Continues a killed or failed run from its last checkpoint: `hearth run --resume <id>`. */
  resume(runId: string): RunView {
    const record = this.record(runId);
    if (record.view.live) throw new DevRequestError(`run ${runId} is still running`, 409);
    if (record.view.status === 'paused')
      throw new DevRequestError(`run ${runId} is waiting for approval: approve or deny it`, 409);
    if (record.view.status === 'done') throw new DevRequestError(`run ${runId} has finished`, 409);
    this.spawnRun(record, ['run', '--resume', runId, '--stream', '--stream-media']);
    return record.view;
  }

  /** Kills a live run's process (SIGKILL, as a crash would); its checkpoints let it resume. */
  stop(runId: string): RunView {
    const child = this.children.get(runId);
    if (!child) throw new DevRequestError(`run ${runId} is not running`, 409);
    child.kill('SIGKILL');
    return this.record(runId).view;
  }

  /** The file of a run's attachment and its type, for the page's preview. */
  attachment(runId: string, index: number): { file: string; mimeType: string } {
    const attached = this.record(runId).view.attachments[index];
    if (!attached) throw new DevRequestError(`run ${runId} has no attachment ${index}`, 404);
    return { file: join(this.runsDir, runId, safeName(attached.name, index)), mimeType: attached.mimeType };
  }

  /** Spans a run's process sent to the OTLP endpoint. */
  addSpans(runId: string, spans: ReceivedSpan[]): void {
    const record = this.runs.get(runId);
    if (!record || spans.length === 0) return;
    record.spans.push(...spans);
    // Spans of a run whose process has already exited are kept too (the history shows its timeline).
    if (!record.view.live) this.save(record);
    this.broadcast(runId, { type: 'spans', spans });
  }

  /** Kills every run still going (the server is stopping). */
  stopAll(): void {
    for (const child of this.children.values()) child.kill('SIGKILL');
  }

  private record(runId: string): RunRecord {
    const record = this.runs.get(runId);
    if (!record) throw new DevRequestError(`no run ${runId} in this project's history`, 404);
    return record;
  }

  private broadcast(runId: string, message: RunMessage): void {
    for (const listener of this.listeners.get(runId) ?? []) listener(message);
  }

  private update(record: RunRecord, change: Partial<RunView>): void {
    record.view = { ...record.view, ...change };
    this.broadcast(record.view.runId, { type: 'run', run: record.view });
  }

  private save(record: RunRecord): void {
    writeFileSync(join(this.runsDir, record.view.runId, 'run.json'), JSON.stringify(record));
  }

  private spawnRun(record: RunRecord, args: string[]): void {
    const { runId } = record.view;
    const otlp = this.options.otlp(runId);
    const child = spawn(this.options.hearth.node, [...this.options.hearth.args, ...args], {
      cwd: this.options.project.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_HEADERS: otlp.headers,
        // The user's own backend headers would replace the token; the dev server forwards to that backend itself.
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: '',
        // Spans reach the page's timeline within a second rather than at the run's end.
        OTEL_BSP_SCHEDULE_DELAY: '500',
      },
    });
    this.children.set(runId, child);
    this.update(record, { live: true, status: 'running', pendingApprovals: [] });
    delete record.view.error;
    this.save(record);
    let summary: (RunSummary & { type: 'result' }) | undefined;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      const typed = message as { type?: string };
      if (typed.type === 'result') {
        summary = message as RunSummary & { type: 'result' };
        return;
      }
      appendEvent(record.events, message as RunEvent);
      this.broadcast(runId, { type: 'event', event: message as RunEvent });
    });
    child.on('close', (code, signal) => {
      this.children.delete(runId);
      const ended = { live: false, endedAt: new Date().toISOString() };
      if (summary) {
        this.update(record, {
          ...ended,
          status: summary.status,
          pendingApprovals: summary.pendingApprovals,
          ...(summary.output !== undefined ? { output: summary.output } : {}),
          ...(summary.error
            ? {
                error: {
                  message: summary.error.message,
                  ...(summary.error.code ? { code: summary.error.code } : {}),
                },
              }
            : {}),
          artifacts: this.artifacts(summary.output),
        });
      } else {
        const killed = signal !== null;
        this.update(record, {
          ...ended,
          status: killed ? 'killed' : 'failed',
          error: {
            message: killed
              ? `the run's process was killed (${signal}); resume it from its last checkpoint`
              : `hearth run exited with code ${code}: ${stderr.trim().split('\n').slice(-3).join(' ') || '(no output)'}`,
          },
        });
      }
      this.save(record);
    });
  }

  /** Text files inside the project that the output names by a `...Path` field (a written report). */
  private artifacts(output: unknown): RunView['artifacts'] {
    if (typeof output !== 'object' || output === null) return [];
    const root = realpathSync(this.options.project.root);
    const found: RunView['artifacts'] = [];
    for (const [key, value] of Object.entries(output)) {
      if (!/path$/i.test(key) || typeof value !== 'string') continue;
      const file = resolve(root, value);
      if (!existsSync(file)) continue;
      const real = realpathSync(file);
      if (!real.startsWith(root + sep) || !statSync(real).isFile() || statSync(real).size > 256 * 1024)
        continue;
      found.push({ path: relative(root, real), text: readFileSync(real, 'utf8') });
    }
    return found;
  }
}
