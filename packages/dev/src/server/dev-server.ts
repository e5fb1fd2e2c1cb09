import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpGuard } from '@hearth/http-guard';
import { otlpHeaders, otlpTracesUrl, spansFromOtlpJson } from '@hearth/tracing';
import type { DevProject, QueuedRunRow, QueueList, RunMessage, StartRunRequest } from './api-types.js';
import { DevRequestError } from './dev-request-error.js';
import { EvalReports } from './eval-reports.js';
import { type HearthCommand, RunManager } from './run-manager.js';

export interface DevServerOptions {
  project: DevProject;
  hearth: HearthCommand;
  /** Where run records and attachments are kept (`$HEARTH_HOME/dev`). */
  stateDir: string;
  checkpointThreads: () => Map<string, number>;
  /** Default 0: any free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** The runs on the queue the environment names (`HEARTH_REDIS_URL`, ...); absent when none is. */
  queuedRuns?: () => Promise<QueuedRunRow[]>;
  /** Where `hearth eval` writes its reports (`$HEARTH_HOME/evals`), listed on the page. */
  evalsDir?: string;
  /** The built front end; default the package's `dist/web`. */
  webDir?: string;
}

export interface DevServer {
  /** The page's address, with the session token in the fragment (never sent to the server in a request line). */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
/** What an eval report folder holds: the page, its text files and its media. */
const reportTypes: Record<string, string> = {
  ...contentTypes,
  '.md': 'text/markdown; charset=utf-8',
  '.jsonl': 'application/jsonl',
  '.png': 'image/png',
  '.wav': 'audio/wav',
};
/** The page loads only its own files; media previews are blob: URLs made in the page. */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function defaultWebDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // Built: dist/server -> dist/web. From source (tests): src/server -> dist/web, built by `npm run build`.
  return here.includes(`${sep}dist${sep}`) ? join(here, '..', 'web') : join(here, '..', '..', 'dist', 'web');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...securityHeaders,
  });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new DevRequestError(`the request body is over ${MAX_BODY_BYTES / 1024 / 1024} MiB`, 413);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch (error) {
    throw new DevRequestError(`the body is not JSON: ${(error as Error).message}`);
  }
}

/**
 * The `hearth dev` server on 127.0.0.1: the built page (no token needed, it holds no data) and the
 * API under `/api/` plus the runs' OTLP endpoint under `/otlp/`, which need the session token as a
 * bearer header. A header token cannot be sent by another site's page (and CORS preflights are never
 * answered), Host and Origin are checked on every request (DNS rebinding, cross-site calls), and
 * POST bodies must be JSON: every action (start, approve, deny, resume, stop) is safe from CSRF.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const token = randomBytes(24).toString('hex');
  const pageGuard = createHttpGuard({ host: HOST });
  const apiGuard = createHttpGuard({ host: HOST, token });
  const webDir = options.webDir ?? defaultWebDir();
  if (!existsSync(join(webDir, 'index.html')))
    throw new Error(
      `the dev page is not built (${webDir} has no index.html): run npm run build -w @hearth/dev`,
    );
  const evalReports = new EvalReports(options.evalsDir, token);
  // The runs send their spans here; the endpoint the user set for `hearth dev` (OTEL_EXPORTER_OTLP_ENDPOINT)
  // gets them too, as it would from `hearth run`.
  const userEndpoint = otlpTracesUrl(process.env);
  let forwardFailure: string | undefined;
  const forwardSpans = (body: unknown) => {
    if (!userEndpoint) return;
    fetch(userEndpoint, {
      method: 'POST',
      headers: { ...otlpHeaders(process.env), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then((answer) => {
        if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      })
      .catch((error: Error) => {
        // Said once: a tracing backend that is down must not flood the terminal or stop the runs.
        if (forwardFailure) return;
        forwardFailure = error.message;
        process.stderr.write(
          `[tracing] warning: could not send spans to ${userEndpoint}: ${error.message}\n`,
        );
      });
  };
  let port = 0;
  const runs = new RunManager({
    project: options.project,
    hearth: options.hearth,
    stateDir: options.stateDir,
    checkpointThreads: options.checkpointThreads,
    otlp: (runId) => ({
      url: `http://${HOST}:${port}/otlp/${runId}/v1/traces`,
      headers: `authorization=${encodeURIComponent(`Bearer ${token}`)}`,
    }),
  });

  const serveStatic = (path: string, response: ServerResponse) => {
    const relativePath = path === '/' ? 'index.html' : decodeURIComponent(path.slice(1));
    const file = normalize(join(webDir, relativePath));
    if (!file.startsWith(webDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      sendJson(response, 404, { error: `no page at ${path}` });
      return;
    }
    response.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      ...securityHeaders,
    });
    response.end(readFileSync(file));
  };

  /** A report's files, sandboxed: no script runs, nothing loads from elsewhere, it cannot reach the API. */
  const serveReport = (key: string, name: string, path: string, response: ServerResponse) => {
    const file = evalReports.file(key, name, decodeURIComponent(path));
    if (!file)
      return sendJson(response, 404, { error: 'no such report (or the link is from another session)' });
    response.writeHead(200, {
      'content-type': reportTypes[extname(file)] ?? 'application/octet-stream',
      'content-security-policy':
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    response.end(readFileSync(file));
  };

  const streamRun = (runId: string, request: IncomingMessage, response: ServerResponse) => {
    const snapshot = runs.snapshot(runId);
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      ...securityHeaders,
    });
    const send = (message: RunMessage) => response.write(`data: ${JSON.stringify(message)}\n\n`);
    send(snapshot);
    const unsubscribe = runs.subscribe(runId, send);
    request.on('close', unsubscribe);
  };

  const route = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const method = request.method ?? 'GET';
    const otlp = /^\/otlp\/([\w-]+)\/v1\/traces$/.exec(path);
    if (otlp && method === 'POST') {
      const body = await readJson(request);
      runs.addSpans(otlp[1] as string, spansFromOtlpJson(body));
      forwardSpans(body);
      sendJson(response, 200, {});
      return;
    }
    if (path === '/api/project' && method === 'GET') return sendJson(response, 200, options.project);
    if (path === '/api/runs' && method === 'GET') return sendJson(response, 200, runs.list());
    if (path === '/api/evals' && method === 'GET') return sendJson(response, 200, evalReports.list());
    if (path === '/api/queue' && method === 'GET') {
      const queue: QueueList = options.queuedRuns
        ? { configured: true, runs: await options.queuedRuns() }
        : { configured: false };
      return sendJson(response, 200, queue);
    }
    if (path === '/api/runs' && method === 'POST')
      return sendJson(response, 201, runs.start((await readJson(request)) as StartRunRequest));
    const attachment = /^\/api\/runs\/([\w-]+)\/attachments\/(\d+)$/.exec(path);
    if (attachment && method === 'GET') {
      const { file, mimeType } = runs.attachment(attachment[1] as string, Number(attachment[2]));
      response.writeHead(200, { 'content-type': mimeType, 'cache-control': 'no-store', ...securityHeaders });
      response.end(readFileSync(file));
      return;
    }
    const run = /^\/api\/runs\/([\w-]+)(?:\/(stream|approve|deny|resume|stop))?$/.exec(path);
    if (run) {
      const [, runId = '', action] = run;
      if (method === 'GET' && action === undefined) return sendJson(response, 200, runs.snapshot(runId));
      if (method === 'GET' && action === 'stream') return streamRun(runId, request, response);
      if (method === 'POST' && action === 'approve') return sendJson(response, 202, runs.decide(runId, true));
      if (method === 'POST' && action === 'deny') return sendJson(response, 202, runs.decide(runId, false));
      if (method === 'POST' && action === 'resume') return sendJson(response, 202, runs.resume(runId));
      if (method === 'POST' && action === 'stop') return sendJson(response, 202, runs.stop(runId));
    }
    sendJson(response, 404, { error: `no ${method} ${path} here` });
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const isApi = path.startsWith('/api/') || path.startsWith('/otlp/');
    const refusal = (isApi ? apiGuard : pageGuard).check(request);
    if (refusal) {
      // The guard's own advice names the other servers' --allowed-origin flag, which hearth dev does not have.
      const message =
        refusal.check === 'origin'
          ? `Forbidden: Origin "${request.headers.origin}" is another site; hearth dev answers its own page only.`
          : refusal.message;
      return sendJson(response, refusal.status, { error: message, check: refusal.check });
    }
    if (!isApi) {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return sendJson(response, 405, { error: 'the page takes GET only' });
      const report = /^\/reports\/([0-9a-f]{32})\/([^/]+)\/(.+)$/.exec(path);
      if (report)
        return serveReport(
          report[1] as string,
          decodeURIComponent(report[2] as string),
          report[3] as string,
          response,
        );
      return serveStatic(path, response);
    }
    route(request, response, path).catch((error: unknown) => {
      if (DevRequestError.isInstance(error))
        return sendJson(response, (error as DevRequestError).status, { error: (error as Error).message });
      sendJson(response, 500, { error: (error as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/#token=${token}`,
    port,
    token,
    close: async () => {
      runs.stopAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
