import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { nativeReason } from '../host/hosted-engine.js';
import { commandOnPath } from './build-native-engine.js';

/** How much of the server's log is kept for crash and load reports. */
const LOG_TAIL_BYTES = 16 * 1024;
/** How long `close` waits for the server to exit before killing it. */
const CLOSE_TIMEOUT_MS = 5000;

/** How a server process ended. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of its log (stderr), where llama.cpp writes its last words. */
  logTail: string;
}

/** An HTTP answer from the server: status and body as a web stream. */
export interface ServerResponse {
  status: number;
  body: ReadableStream<Uint8Array>;
  text(): Promise<string>;
}

/**
 * One `llama-server` process, listening on a unix socket in a private temporary directory (mode 0700,
 * so no other user can connect) and also requiring a random API key, so nothing else on the machine
 * can use the model. Its log goes to a bounded tail kept for error reports.
 */
export class LlamaServerProcess {
  private logTail = '';
  private exitInfo: ServerExit | undefined;
  private readonly exited: Promise<ServerExit>;

  private constructor(
    private readonly child: ChildProcess,
    socketDir: string,
    private readonly socketPath: string,
    private readonly apiKey: string,
    forwardLog: boolean,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.logTail = (this.logTail + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
      if (forwardLog) process.stderr.write(chunk);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (forwardLog) process.stderr.write(chunk);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal, logTail: this.logTail };
        resolve(this.exitInfo);
        void rm(socketDir, { recursive: true, force: true });
      });
    });
  }

  /**
   * Starts `server` with `args` (model, context, ...; the listening address and key are added here)
   * and waits until it has loaded the model.
   *
   * @throws Error with the server's last log lines when it exits before it is ready.
   */
  static async start(server: string, args: string[], forwardLog: boolean): Promise<LlamaServerProcess> {
    const socketDir = await mkdtemp(join(tmpdir(), 'hearth-llama-'));
    const socketPath = join(socketDir, 'server.sock');
    const apiKey = randomBytes(24).toString('hex');
    const serverArgs = [...args, '--host', socketPath, '--api-key', apiKey, '--no-webui'];
    // On Linux the kernel kills the server when this process dies, even by SIGKILL (setpriv sets the
    // parent-death signal, then execs the server): no orphan keeps the model in memory.
    const child = commandOnPath('setpriv')
      ? spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', server, ...serverArgs], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(server, serverArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = new LlamaServerProcess(child, socketDir, socketPath, apiKey, forwardLog);
    await started.waitUntilReady();
    return started;
  }

  /** The server's process id (setpriv execs the server, so it keeps this id). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Set once the process has exited. */
  get exit(): ServerExit | undefined {
    return this.exitInfo;
  }

  /** The end of the server's log. */
  get log(): string {
    return this.logTail;
  }

  private async waitUntilReady(): Promise<void> {
    const spawnFailed = new Promise<never>((_, reject) => {
      this.child.on('error', reject);
    });
    for (;;) {
      if (this.exitInfo) throw new Error(nativeReason(this.exitInfo.logTail));
      const ready = await Promise.race([
        this.fetch('GET', '/health').then(
          (response) => response.status === 200,
          () => false,
        ),
        spawnFailed,
      ]);
      if (ready) return;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), this.exited]);
    }
  }

  /** Waits up to `ms` for the process to exit; the exit, or `undefined` when it is still running. */
  async exitWithin(ms: number): Promise<ServerExit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One HTTP request to the server; aborting `signal` closes the connection (the server then stops). */
  fetch(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<ServerResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const outgoing = httpRequest(
        {
          socketPath: this.socketPath,
          // A fresh connection per request: the server closes streamed responses' connections, and a
          // pooled socket it closed fails the next request with "socket hang up".
          agent: false,
          method,
          path,
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
          ...(signal ? { signal } : {}),
        },
        (incoming: IncomingMessage) => {
          const stream = Readable.toWeb(incoming) as ReadableStream<Uint8Array>;
          resolve({
            status: incoming.statusCode ?? 0,
            body: stream,
            text: async () => new Response(stream).text(),
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Stops the server (SIGTERM, then SIGKILL after a few seconds). */
  async close(): Promise<void> {
    if (this.exitInfo) return;
    this.child.kill('SIGTERM');
    if (!(await this.exitWithin(CLOSE_TIMEOUT_MS))) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
