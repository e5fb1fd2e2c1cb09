import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Engine, EngineInfo, GenerateDelta, GenerateRequest, GenerateResult } from '@hearth/engine';
import { readStreamResult, streamGeneration } from '@hearth/engine';
import type { LlamaNodeEngineOptions } from '../engine/llama-node/llama-node-engine.js';
import { validateLlamaNodeFiles } from '../engine/llama-node/validate-files.js';
import { ModelCrashedError } from '../errors/model-crashed-error.js';
import { checkGenerateRequest } from '../media-check/check-request.js';
import { type ChildMessage, deserializeError, type ParentMessage } from './protocol.js';

/** How much of the host's stderr is kept for crash reports. */
const STDERR_TAIL_BYTES = 16 * 1024;
/** How long `close` waits for the host to exit before killing it. */
const CLOSE_TIMEOUT_MS = 5000;

export interface HostedEngineOptions extends LlamaNodeEngineOptions {
  /** Copy the host's native log (stderr) to this process's stderr; default: only when HEARTH_DEBUG is set. */
  forwardNativeLog?: boolean;
  /**
   * Load even when the memory estimate is over this machine's memory (default false: refuse with
   * `ModelMemoryError` and the numbers, before any process starts). `LlamaNodeEngine.load` honours it too.
   */
  skipMemoryCheck?: boolean;
}

interface PendingCall {
  onDelta: (delta: GenerateDelta) => void;
  reject: (error: unknown) => void;
}

/** Where the host entry is: built JS next to this file, or the TypeScript source under tsx (tests). */
function hostEntry(): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts'))
    return { path: here.replace(/hosted-engine\.ts$/, 'host-entry.ts'), execArgv: ['--import', 'tsx'] };
  return { path: here.replace(/hosted-engine\.js$/, 'host-entry.js'), execArgv: [] };
}

/**
 * The last lines llama.cpp printed before dying, without the routine `[INFO]`/load chatter: usually
 * a `GGML_ASSERT`, a `terminate called after throwing ...` with its `what():`, or a load error.
 */
export function nativeReason(stderrTail: string): string {
  const lines = stderrTail
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        /error|fail|abort|assert|what\(\)|terminate/i.test(line) ||
        (line &&
          !line.startsWith('[INFO]') &&
          !/^(print_info|load_tensors|load|create_tensor|llama_|sched_|graph_|set_|adapters_|attach_|detach_|~llama_|cmn|resolve_fused_ops|init_tokenizer|done_getting_tensors)/.test(
            line,
          )),
    );
  return lines.slice(-6).join(' | ').slice(-1500);
}

/** One running host process. */
class HostProcess {
  readonly ready: Promise<EngineInfo>;
  private readonly calls = new Map<number, PendingCall>();
  private nextId = 1;
  private stderrTail = '';
  private exited = false;
  private activity = 'loading the model';

  constructor(
    options: HostedEngineOptions,
    private readonly modelName: string,
    private readonly onExit: (host: HostProcess) => void,
  ) {
    const entry = hostEntry();
    const child: ChildProcess = fork(entry.path, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      // llama.node prints its [INFO] log on stdout: keep it away from ours (e.g. `--json` output).
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    const forward = options.forwardNativeLog ?? Boolean(process.env.HEARTH_DEBUG);
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      if (forward) process.stderr.write(chunk);
    });
    this.ready = new Promise<EngineInfo>((resolve, reject) => {
      this.settleLoad = { resolve, reject };
    });
    child.on('message', (message: ChildMessage) => this.receive(message));
    child.on('exit', (code, signal) => this.handleExit(code, signal));
    child.on('error', (error) => {
      // fork failed outright (e.g. no such entry): treat like an exit with the error as reason.
      this.stderrTail += `\n${error.message}`;
    });
    const { forwardNativeLog: _forward, ...engineOptions } = options;
    this.post({ type: 'load', options: engineOptions });
  }

  private readonly child: ChildProcess;
  private settleLoad: { resolve: (info: EngineInfo) => void; reject: (error: unknown) => void } | undefined;

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call(request: GenerateRequest, onDelta: (delta: GenerateDelta) => void): Promise<void> {
    const id = this.nextId++;
    const { signal, ...payload } = request;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => this.post({ type: 'abort', id });
      const finish = () => {
        signal?.removeEventListener('abort', onAbort);
        this.calls.delete(id);
        this.updateRef();
      };
      this.calls.set(id, {
        onDelta: (delta) => {
          onDelta(delta);
          if (delta.type === 'done') {
            finish();
            resolve();
          }
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      this.activity = 'generating';
      this.updateRef();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'generate', id, request: payload });
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.activity = 'closing';
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.post({ type: 'close' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private post(message: ParentMessage): void {
    if (this.exited || !this.child.connected) return;
    this.child.send(message);
  }

  /** An idle host must not keep the parent process alive. */
  private updateRef(): void {
    const busy = this.calls.size > 0 || this.settleLoad !== undefined;
    // The process, its IPC channel and its stderr pipe each hold the event loop open.
    type Handle = { ref(): void; unref(): void } | null | undefined;
    const { channel } = this.child as unknown as { channel?: Handle };
    const handles: Handle[] = [this.child, channel, this.child.stderr as unknown as Handle];
    for (const handle of handles) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  }

  private receive(message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        this.settleLoad?.resolve(message.info);
        this.settleLoad = undefined;
        this.activity = 'idle';
        this.updateRef();
        break;
      case 'load-failed':
        this.settleLoad?.reject(this.withNativeReason(deserializeError(message.error)));
        this.settleLoad = undefined;
        void this.close();
        break;
      case 'deltas':
        for (const delta of message.deltas) this.calls.get(message.id)?.onDelta(delta);
        break;
      case 'result':
        this.calls.get(message.id)?.onDelta({ type: 'done', result: message.result });
        break;
      case 'failed':
        this.calls.get(message.id)?.reject(this.withNativeReason(deserializeError(message.error)));
        break;
    }
  }

  /**
   * llama.node reports some failures only as "see stderr" (a projector it cannot initialise, a slot
   * that stopped without output); the host's stderr is here, so the reason goes into the message.
   */
  private withNativeReason(error: Error): Error {
    const reason = nativeReason(this.stderrTail);
    if (reason && /printed on stderr/.test(error.message)) error.message += `; llama.cpp said: ${reason}`;
    return error;
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    const during = this.activity;
    if (during !== 'closing' || this.calls.size > 0 || this.settleLoad) {
      const crash = () =>
        new ModelCrashedError({
          model: this.modelName,
          reason: nativeReason(this.stderrTail),
          signal,
          hostExitCode: code,
          during,
        });
      this.settleLoad?.reject(crash());
      this.settleLoad = undefined;
      for (const call of [...this.calls.values()]) call.reject(crash());
    }
    this.onExit(this);
  }
}

/**
 * The `llama-node` engine in a child process that Hearth owns: the same `Engine` contract, but a
 * native crash (which llama.cpp turns into SIGSEGV/SIGABRT, uncatchable in-process) rejects the calls
 * in flight with `ModelCrashedError` instead of killing this process, and the next call starts a
 * fresh host. Files are validated here, before any process or native load starts.
 */
export class HostedEngine implements Engine {
  private host: HostProcess | undefined;
  private closed = false;

  private constructor(
    private readonly options: HostedEngineOptions,
    readonly info: EngineInfo,
    host: HostProcess,
  ) {
    this.host = host;
  }

  /**
   * Validates the model files, starts a host and loads the model in it.
   *
   * @throws GgufValidationError or ModelSetMismatchError naming the bad file (no process started).
   * @throws ModelMemoryError when the set cannot fit this machine's memory at `contextSize` (no process started).
   * @throws ModelCrashedError when the native loader kills the host; EngineLoadError when it refuses.
   */
  static async start(options: HostedEngineOptions): Promise<HostedEngine> {
    // Checked here too, so a bad file never starts a process (the host checks again on every restart).
    const name = await validateLlamaNodeFiles(options);
    let engine: HostedEngine | undefined;
    const host = new HostProcess({ ...options, name }, name, (exited) => engine?.forget(exited));
    const info = await host.ready;
    engine = new HostedEngine({ ...options, name }, info, host);
    return engine;
  }

  /** Process id of the current model host, if one is running (for diagnostics). */
  get hostPid(): number | undefined {
    return this.host?.alive ? this.host.pid : undefined;
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return readStreamResult(this.stream(request), this.info.engine);
  }

  async *stream(unchecked: GenerateRequest): AsyncIterable<GenerateDelta> {
    // Refused here, in this process: media or a schema that would crash llama.cpp never reach the
    // host, so requests in flight there are not disturbed.
    const request = await checkGenerateRequest(unchecked);
    const host = await this.liveHost();
    // The host relays its child's deltas, `done` included.
    yield* streamGeneration(request, async (request, onDelta) => {
      await host.call(request, onDelta);
      return undefined;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const host = this.host;
    this.host = undefined;
    await host?.close();
  }

  /** The current host, or a fresh one if the last one died. */
  private async liveHost(): Promise<HostProcess> {
    if (this.closed) throw new Error('This hosted engine is closed');
    if (!this.host?.alive) {
      this.host = new HostProcess(this.options, this.info.model, (exited) => this.forget(exited));
    }
    const host = this.host;
    await host.ready;
    return host;
  }

  private forget(host: HostProcess): void {
    if (this.host === host) this.host = undefined;
  }
}
