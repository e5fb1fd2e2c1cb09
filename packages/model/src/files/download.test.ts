import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelDownloadError } from '../errors/model-download-error.js';
import { ModelOfflineError } from '../errors/model-offline-error.js';
import {
  type DownloadProgress,
  downloadModelFile,
  dropDownloaderStateTail,
  expectedCachePath,
} from './download.js';
import { ModelFileServer } from './test-support/model-file-server.js';

const MiB = 1024 * 1024;
/** node-llama-cpp's downloader (ipull) saves progress per 5 MiB chunk: a resume starts at a chunk boundary. */
const CHUNK = 5 * MiB;

let fixtures: string;
let bigModel: Buffer;
let server: ModelFileServer;
let cache: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'hearth-download-fixtures-'));
  // A real Gemma 4 GGUF of ~26 MB: big enough for several download chunks.
  const path = await makeTestkitModel('cycle', {
    dir: fixtures,
    hiddenSize: 128,
    layers: 4,
    feedForwardLength: 4096,
  });
  bigModel = await readFile(path);
});

afterAll(async () => {
  await rm(fixtures, { recursive: true, force: true });
});

beforeEach(async () => {
  server = await new ModelFileServer().start();
  cache = await mkdtemp(join(tmpdir(), 'hearth-model-cache-'));
});

afterEach(async () => {
  await server.stop();
  await rm(cache, { recursive: true, force: true });
});

/** Requests for file data: ranged, except the first-byte probe downloadModelFile makes before downloading. */
const rangeRequests = () =>
  server.requests.filter((request) => request.range !== undefined && request.range !== 'bytes=0-0');

describe('downloadModelFile', () => {
  it('downloads a URL into the cache with progress, then serves it from the cache offline', async () => {
    await server.serve('files/cycle-big.gguf', bigModel);
    const uri = `${server.url}files/cycle-big.gguf`;
    const events: DownloadProgress[] = [];
    const started = performance.now();
    const path = await downloadModelFile(uri, {
      directory: cache,
      onProgress: (event) => events.push(event),
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `download: ${(bigModel.length / MiB).toFixed(1)} MiB in ${seconds.toFixed(2)} s = ${(bigModel.length / MiB / seconds).toFixed(0)} MiB/s`,
    );

    expect(path).toBe(expectedCachePath(uri, cache));
    expect(sha256(await readFile(path))).toBe(sha256(bigModel));
    expect(events.length).toBeGreaterThan(1);
    const downloaded = events.map((event) => event.downloadedBytes);
    expect(downloaded).toEqual([...downloaded].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({
      uri,
      downloadedBytes: bigModel.length,
      totalBytes: bigModel.length,
    });
    expect(await readdir(cache)).toEqual([path.split('/').pop()]);

    const requestsBefore = server.requests.length;
    expect(await downloadModelFile(uri, { directory: cache, offline: true })).toBe(path);
    expect(await downloadModelFile(uri, { directory: cache })).toBe(path);
    expect(server.requests.length).toBe(requestsBefore);
  });

  it('resumes after the server cuts the connection mid-file, without starting over', async () => {
    const cutAt = CHUNK + 2 * MiB;
    await server.serve('cycle-big.gguf', bigModel, { cutOnceAfterBytes: cutAt });
    const path = await downloadModelFile(`${server.url}cycle-big.gguf`, { directory: cache });

    expect(sha256(await readFile(path))).toBe(sha256(bigModel));
    const ranged = rangeRequests();
    const cut = ranged.find((request) => request.bytesSent === cutAt);
    const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(cut?.range ?? '') ?? [];
    expect(cut).toBeDefined();
    // The retry asks for the rest of that range, never for the bytes before it. Whether it restarts at
    // the range's start or at its first unsaved chunk depends on how the downloader's parallel streams
    // were scheduled when the cut came (both seen on a loaded machine).
    const retryStarts = ranged
      .filter((request) => request !== cut && request.range?.endsWith(`-${end}`))
      .map((request) => Number(/^bytes=(\d+)-/.exec(request.range ?? '')?.[1]));
    expect(retryStarts.length).toBeGreaterThan(0);
    for (const retryStart of retryStarts) {
      expect(retryStart).toBeGreaterThanOrEqual(Number(start));
      expect((retryStart - Number(start)) % CHUNK).toBe(0);
    }
    // Bytes fetched twice: at most what the cut stream had sent, plus the downloader's small overlapping
    // tail request (< 1 MiB); the other ranges of the file are never fetched again.
    const wasted = ranged.reduce((sum, request) => sum + request.bytesSent, 0) - bigModel.length;
    expect(wasted).toBeGreaterThanOrEqual(cutAt - CHUNK);
    expect(wasted).toBeLessThan(cutAt + MiB);
  });

  it('gives up on a stalled transfer, keeps the partial file, and the next call resumes it', async () => {
    // No byte past 12 MiB leaves the server, so the chunks below 10 MiB can be complete when the download
    // stalls. Which of them the downloader had requested and saved by then depends on how its parallel
    // streams were scheduled, so the resume is judged against what the server really sent.
    const holdAt = 2 * CHUNK + 2 * MiB;
    await server.serve('cycle-big.gguf', bigModel, { holdAfterBytes: holdAt });
    const uri = `${server.url}cycle-big.gguf`;
    const stalled = await downloadModelFile(uri, { directory: cache, stallTimeoutMs: 1000 }).catch((e) => e);
    expect(ModelDownloadError.isInstance(stalled)).toBe(true);
    expect(stalled.failure).toBe('stalled');
    expect(stalled.message).toMatch(/run the command again to resume/);
    const partial = (await readdir(cache)).filter((name) => name.endsWith('.ipull'));
    expect(partial).toHaveLength(1);
    const sentBeforeStall = rangeRequests();

    server.setFaults('cycle-big.gguf', {});
    const path = await downloadModelFile(uri, { directory: cache });
    expect(sha256(await readFile(path))).toBe(sha256(bigModel));
    const resumedRanges = rangeRequests()
      .slice(sentBeforeStall.length)
      .map((request) => {
        const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(request.range ?? '') ?? [];
        return { first: Number(first), last: Number(last) };
      });
    // The resume asks for whole chunks from a chunk boundary, never for the file from the start...
    for (const { first } of resumedRanges) expect(first % CHUNK).toBe(0);
    const chunkCount = Math.ceil(bigModel.length / CHUNK);
    const requestedAgain = (chunk: number) =>
      resumedRanges.some(({ first, last }) => first < (chunk + 1) * CHUNK && last >= chunk * CHUNK);
    const skipped = [...Array(chunkCount).keys()].filter((chunk) => !requestedAgain(chunk));
    expect(skipped.length).toBeGreaterThan(0);
    // ...and what it skips is what the partial file kept: chunks the server had sent whole before the stall.
    const sentWhole = (chunk: number) =>
      sentBeforeStall.some(
        (request) =>
          request.offset <= chunk * CHUNK && request.offset + request.bytesSent >= (chunk + 1) * CHUNK,
      );
    for (const chunk of skipped) expect(sentWhole(chunk), `chunk ${chunk} skipped but never sent`).toBe(true);
    expect((await readdir(cache)).filter((name) => name.endsWith('.ipull'))).toEqual([]);
  });

  it('refuses a server that announces more bytes than it sends', async () => {
    await server.serve('liar.gguf', bigModel, { extraAnnouncedBytes: 1000 });
    const uri = `${server.url}liar.gguf`;
    const error = await downloadModelFile(uri, { directory: cache, stallTimeoutMs: 1500 }).catch((e) => e);
    expect(ModelDownloadError.isInstance(error)).toBe(true);
    expect(error.failure).toBe('stalled');
    expect(error.message).toContain(`of ${bigModel.length + 1000} bytes`);
    expect(await readdir(cache)).not.toContain(expectedCachePath(uri, cache).split('/').pop());
  });

  it('deletes a truncated GGUF instead of caching it', async () => {
    const truncated = bigModel.subarray(0, bigModel.length - 4096);
    await server.serve('truncated.gguf', truncated);
    const uri = `${server.url}truncated.gguf`;
    const error = await downloadModelFile(uri, { directory: cache }).catch((e) => e);
    expect(ModelDownloadError.isInstance(error)).toBe(true);
    expect(error.failure).toBe('invalid-gguf');
    expect(error.message).toMatch(/truncated/);
    expect(await readdir(cache)).toEqual([]);
  });

  it('enforces an exact size and SHA-256 when they are known', async () => {
    await server.serve('model.gguf', bigModel);
    const uri = `${server.url}model.gguf`;
    const wrongSize = await downloadModelFile(uri, {
      directory: cache,
      expected: { bytes: bigModel.length + 1 },
    }).catch((e) => e);
    expect(wrongSize.failure).toBe('size-mismatch');
    const wrongHash = await downloadModelFile(uri, {
      directory: cache,
      expected: { sha256: '0'.repeat(64) },
    }).catch((e) => e);
    expect(wrongHash.failure).toBe('checksum-mismatch');
    expect(wrongHash.message).toContain(sha256(bigModel));
    expect(await readdir(cache)).toEqual([]);
    const path = await downloadModelFile(uri, { directory: cache, expected: { sha256: sha256(bigModel) } });
    expect(sha256(await readFile(path))).toBe(sha256(bigModel));
  });

  it('fails fast on a server error instead of retrying for minutes', async () => {
    await server.serve('broken.gguf', bigModel, { status: 500 });
    const before = server.requests.length;
    const error = await downloadModelFile(`${server.url}broken.gguf`, { directory: cache }).catch((e) => e);
    // Fails fast: the downloader's first answer decides, with no retry loop against the broken server.
    expect(server.requests.slice(before).map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /broken.gguf',
    ]);
    expect(error).toMatchObject({ failure: 'http-status', status: 500 });
    expect(error.message).toMatch(/try again later/);
  });

  it('reports a missing file as HTTP 404', async () => {
    const error = await downloadModelFile(`${server.url}nope.gguf`, { directory: cache }).catch((e) => e);
    expect(ModelDownloadError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ failure: 'http-status', status: 404 });
  });

  it('says "offline" with a hint when the server cannot be reached', async () => {
    const port = server.port;
    await server.stop();
    const uri = `http://127.0.0.1:${port}/model.gguf`;
    // A retry loop here would outlast the test's time limit; the error must come from the first try.
    const error = await downloadModelFile(uri, { directory: cache }).catch((e) => e);
    expect(ModelOfflineError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/appear to be offline/);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(`Copy the file to ${expectedCachePath(uri, cache)}`);
    expect(error.message).toContain('--model <path>');

    const offline = await downloadModelFile(uri, { directory: cache, offline: true }).catch((e) => e);
    expect(ModelOfflineError.isInstance(offline)).toBe(true);
    expect(offline.message).toMatch(/Offline mode is on/);
  });
});

describe('dropDownloaderStateTail', () => {
  it("cuts the downloader's JSON resume state left after the announced size, and nothing else", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-state-tail-'));
    try {
      const body = Buffer.from('GGUF and the rest of the model');
      const withState = join(dir, 'with-state.gguf');
      await writeFile(withState, Buffer.concat([body, Buffer.from('{"part":1,"chunks":[1,1,0]}')]));
      await dropDownloaderStateTail(withState, body.length);
      expect(await readFile(withState)).toEqual(body);

      const withGarbage = join(dir, 'with-garbage.gguf');
      const garbage = Buffer.concat([body, Buffer.from('not json at all')]);
      await writeFile(withGarbage, garbage);
      await dropDownloaderStateTail(withGarbage, body.length);
      expect(await readFile(withGarbage)).toEqual(garbage);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
