import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How one served file misbehaves, to exercise the downloader's failure paths. The cut applies to range
 * requests, which carry the data (node-llama-cpp's downloader reads only the headers of its first plain
 * GET); the hold applies to every response with a body, so no byte past it ever leaves the server.
 */
export interface ServedFileFaults {
  /** Destroy the socket after this many body bytes, on the first range request longer than that. */
  cutOnceAfterBytes?: number;
  /** Send nothing past this file offset (keeping the socket open), on every GET. */
  holdAfterBytes?: number;
  /** Announce this many more bytes than the file has (Content-Length and Content-Range). */
  extraAnnouncedBytes?: number;
  /** Answer every request with this HTTP status (e.g. 500). */
  status?: number;
  /** Answer 401 unless the request carries `Authorization: Bearer <token>` (a gated Hub repo). */
  bearerToken?: string;
}

/** One request the server saw. */
export interface ServedRequest {
  method: string;
  path: string;
  range: string | undefined;
  /** File offset of the first body byte: the body written was bytes `offset` to `offset + bytesSent - 1`. */
  offset: number;
  /** Body bytes actually written for this request. */
  bytesSent: number;
}

/**
 * A real HTTP server on 127.0.0.1 serving files from memory with Range support (206, Content-Range,
 * Accept-Ranges), like a Hugging Face `resolve/` endpoint or any static file host. Faults can be set
 * per path while the server runs.
 */
export class ModelFileServer {
  readonly requests: ServedRequest[] = [];
  private readonly files = new Map<string, { bytes: Buffer; faults: ServedFileFaults; cut: boolean }>();
  private readonly sockets = new Set<import('node:net').Socket>();
  private server: Server | undefined;
  private heldResponses: ServerResponse[] = [];
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Serves `bytes` (or the file at a path) at `path` (no leading slash). */
  async serve(path: string, source: Buffer | string, faults: ServedFileFaults = {}): Promise<void> {
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    this.files.set(`/${path}`, { bytes, faults, cut: false });
  }

  setFaults(path: string, faults: ServedFileFaults): void {
    const file = this.files.get(`/${path}`);
    if (!file) throw new Error(`not served: ${path}`);
    file.faults = faults;
    file.cut = false;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const response of this.heldResponses) response.destroy();
    for (const socket of this.sockets) socket.destroy();
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const record: ServedRequest = {
      method: request.method ?? 'GET',
      path,
      range: request.headers.range,
      offset: 0,
      bytesSent: 0,
    };
    this.requests.push(record);
    const file = this.files.get(path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (file.faults.bearerToken && request.headers.authorization !== `Bearer ${file.faults.bearerToken}`) {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    if (file.faults.status !== undefined) {
      response.writeHead(file.faults.status, { 'content-type': 'text/plain' }).end('failure');
      return;
    }
    const announced = file.bytes.length + (file.faults.extraAnnouncedBytes ?? 0);
    let start = 0;
    let end = announced - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), announced - 1) : announced - 1;
      if (start >= announced) {
        response.writeHead(416, { 'content-range': `bytes */${announced}` }).end();
        return;
      }
    }
    const headers: Record<string, string | number> = {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
    };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${announced}`;
    record.offset = start;
    response.writeHead(range ? 206 : 200, headers);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // The body is what the file really has in the range; a lying size shows up as a short body.
    let body = file.bytes.subarray(start, Math.min(end + 1, file.bytes.length));
    const { cutOnceAfterBytes, holdAfterBytes } = file.faults;
    if (range && cutOnceAfterBytes !== undefined && !file.cut && body.length > cutOnceAfterBytes) {
      file.cut = true;
      record.bytesSent = cutOnceAfterBytes;
      response.write(body.subarray(0, cutOnceAfterBytes), () => response.destroy());
      return;
    }
    if (holdAfterBytes !== undefined && start + body.length > holdAfterBytes) {
      body = body.subarray(0, Math.max(0, holdAfterBytes - start));
      record.bytesSent = body.length;
      response.write(body);
      this.heldResponses.push(response);
      return;
    }
    record.bytesSent = body.length;
    if (body.length < end - start + 1) {
      response.write(body, () => response.destroy());
      return;
    }
    response.end(body);
  }
}
