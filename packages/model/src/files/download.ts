import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GgufValidationError, validateGgufFile } from '@hearth/gguf';
import { createModelDownloader, type ModelDownloader, resolveModelFile } from 'node-llama-cpp';
import { ModelDownloadError } from '../errors/model-download-error.js';
import { ModelOfflineError } from '../errors/model-offline-error.js';
import { modelCacheDir } from './model-cache.js';

/** One progress report of a running download. */
export interface DownloadProgress {
  /** The `hf:` URI or URL being downloaded. */
  uri: string;
  /** File name in the cache. */
  fileName: string;
  downloadedBytes: number;
  /** 0 until the server announced a size. */
  totalBytes: number;
  /** Average over the download so far. */
  bytesPerSecond: number;
}

export interface DownloadModelFileOptions {
  /** Cache directory; default `modelCacheDir()` (`$HEARTH_HOME/models`). */
  directory?: string;
  onProgress?: (event: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Never touch the network: a file not in the cache is a ModelOfflineError. Default: `HEARTH_OFFLINE=1`. */
  offline?: boolean;
  /** Give up (keeping the partial file for a resume) when no byte arrives for this long. Default 60 s. */
  stallTimeoutMs?: number;
  /** Time allowed for the first contact with the server. Default 15 s. */
  connectTimeoutMs?: number;
  /** Exact size and/or SHA-256 the finished file must have. */
  expected?: { bytes?: number; sha256?: string };
  /**
   * Hugging Face endpoint for `hf:` URIs. Default: node-llama-cpp's resolution (`MODEL_ENDPOINT`,
   * `HF_ENDPOINT`, else https://huggingface.co/).
   */
  huggingFaceEndpoint?: string;
}

/** True for `hf:` URIs and http(s) URLs: things that are downloaded rather than read in place. */
export function isRemoteModelUri(spec: string): boolean {
  return /^(hf:|hf:\/\/|huggingface:|https?:\/\/)/i.test(spec);
}

function isHuggingFaceUri(uri: string): boolean {
  return /^(hf:|huggingface:)/i.test(uri);
}

function huggingFaceEndpoint(explicit: string | undefined): string {
  const endpoint =
    explicit || process.env.MODEL_ENDPOINT || process.env.HF_ENDPOINT || 'https://huggingface.co/';
  return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
}

/**
 * Cache file name for a plain URL: host plus the URL's file name, so two servers' `model.gguf` do
 * not collide. (`hf:` URIs are named by node-llama-cpp's own scheme.)
 */
function urlCacheFileName(url: string): string {
  const parsed = new URL(url);
  const base = decodeURIComponent(parsed.pathname.split('/').pop() || 'model.gguf');
  return `${parsed.host}_${base}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * The URL the file itself is fetched from, for the reachability and size probe. For
 * `hf:user/repo/path/file.gguf#branch` this is the repo's `resolve/<branch>/` URL; for the
 * `hf:user/repo:QUANT` form (resolved through the Hub's manifest API) it is the endpoint itself.
 */
function probeUrl(uri: string, endpoint: string): { url: string; isFile: boolean } {
  if (!isHuggingFaceUri(uri)) return { url: uri, isFile: true };
  const body = uri.replace(/^(hf:\/\/|hf:|huggingface:\/\/|huggingface:)/i, '');
  const [user, repo, ...rest] = body.split('/');
  if (!user || !repo || rest.length === 0 || repo.includes(':')) return { url: endpoint, isFile: false };
  const [path = '', branch = 'main'] = rest.join('/').split('#');
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  return {
    url: `${endpoint}${encodeURIComponent(user)}/${encodeURIComponent(repo)}/resolve/${encodeURIComponent(branch || 'main')}/${encoded}`,
    isFile: true,
  };
}

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Where a remote file is (or would be) cached. Looks only at the disk. */
export async function findCachedModelFile(
  uri: string,
  options: Pick<DownloadModelFileOptions, 'directory' | 'huggingFaceEndpoint'> = {},
): Promise<string | undefined> {
  const directory = options.directory ?? modelCacheDir();
  try {
    return await resolveModelFile(uri, {
      directory,
      download: false,
      cli: false,
      ...(isHuggingFaceUri(uri)
        ? { endpoints: { huggingFace: huggingFaceEndpoint(options.huggingFaceEndpoint) } }
        : { fileName: urlCacheFileName(uri) }),
    });
  } catch {
    return undefined;
  }
}

/** The path a remote file will have in the cache once downloaded (for messages and `list`). */
export function expectedCachePath(uri: string, directory = modelCacheDir()): string {
  if (!isHuggingFaceUri(uri)) return join(directory, urlCacheFileName(uri));
  const body = uri.replace(/^(hf:\/\/|hf:|huggingface:\/\/|huggingface:)/i, '');
  const [user = '', repo = '', ...rest] = body.split('/');
  if (rest.length === 0) {
    // `hf:user/repo:QUANT`: node-llama-cpp names the file `hf_<user>_<repo without -GGUF>.<QUANT>.gguf`.
    const [name = '', tag = 'Q4_K_M'] = repo.split(':');
    return join(directory, `hf_${user}_${name.replace(/-gguf$/i, '')}.${tag.toUpperCase()}.gguf`);
  }
  const file = rest.join('/').split('#')[0]?.split('/').pop() ?? '';
  const repoBase = repo.replace(/-gguf$/i, '');
  const prefix = file.toLowerCase().startsWith(repoBase.toLowerCase())
    ? `hf_${user}_`
    : `hf_${user}_${repo}_`;
  return join(directory, `${prefix}${file}`);
}

/**
 * Asks the server for the file's first byte before the downloader starts (the downloader retries a
 * dead or failing server for many minutes): a refused connection becomes a ModelOfflineError at once,
 * an HTTP error a ModelDownloadError, and the answer gives the file's size.
 */
async function probe(
  uri: string,
  endpoint: string,
  cachePath: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const { url, isFile } = probeUrl(uri, endpoint);
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    // Gated Hub repos need the token (node-llama-cpp's downloader reads the same variable).
    const token = isHuggingFaceUri(uri) ? process.env.HF_TOKEN : undefined;
    response = await fetch(url, {
      headers: {
        range: 'bytes=0-0',
        'accept-encoding': 'identity',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      redirect: 'follow',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    await response.body?.cancel();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const code = timeout.aborted ? 'ETIMEDOUT' : networkErrorCode(error);
    const host = new URL(url).host;
    if (code === undefined || OFFLINE_CODES.has(code)) {
      throw new ModelOfflineError(
        uri,
        cachePath,
        `You appear to be offline: ${host} could not be reached (${code ?? String(error)})`,
        { cause: error },
      );
    }
    throw new ModelDownloadError(uri, 'http-status', `${host}: ${String(error)}`, { cause: error });
  }
  // The endpoint root of an `hf:user/repo:QUANT` URI only proves the Hub is reachable.
  if (!isFile) return undefined;
  if (response.status === 401 || response.status === 403) {
    throw new ModelDownloadError(
      uri,
      'http-status',
      `HTTP ${response.status} from ${url}: the file needs access rights (accept the model licence on the Hub and set HF_TOKEN)`,
      { status: response.status },
    );
  }
  if (response.status === 404) {
    throw new ModelDownloadError(
      uri,
      'http-status',
      `HTTP 404 from ${url}: no such file (check the repository, file name and quantisation)`,
      { status: 404 },
    );
  }
  if (!response.ok) {
    throw new ModelDownloadError(
      uri,
      'http-status',
      `HTTP ${response.status} from ${url}${response.status >= 500 ? ': the server failed, try again later' : ''}`,
      { status: response.status },
    );
  }
  const total =
    response.status === 206
      ? Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1])
      : Number(response.headers.get('content-length'));
  return Number.isFinite(total) && total > 0 ? total : undefined;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * node-llama-cpp's downloader (ipull) keeps its resume state as JSON after the file's last byte and
 * cuts it off when the download ends; a state write still in flight can land after that cut (seen on
 * a loaded machine: 63 bytes of JSON past the announced size). Such a tail is removed; any other
 * surplus is left for the size check to refuse.
 */
export async function dropDownloaderStateTail(
  path: string,
  announcedBytes: number | undefined,
): Promise<void> {
  if (announcedBytes === undefined) return;
  const file = await open(path, 'r+');
  try {
    const size = (await file.stat()).size;
    const surplus = size - announcedBytes;
    if (surplus <= 0 || surplus > 64 * 1024) return;
    const tail = Buffer.alloc(surplus);
    await file.read(tail, 0, surplus, announcedBytes);
    try {
      const state: unknown = JSON.parse(tail.toString('utf8'));
      if (typeof state === 'object' && state !== null) await file.truncate(announcedBytes);
    } catch {
      // Not downloader state: the size check reports the surplus.
    }
  } finally {
    await file.close();
  }
}

/** Checks a finished download; deletes it (so it is not reused) and throws when it is bad. */
async function verifyDownloadedFile(
  uri: string,
  path: string,
  announcedBytes: number | undefined,
  expected: DownloadModelFileOptions['expected'],
): Promise<void> {
  await dropDownloaderStateTail(path, announcedBytes);
  const size = (await stat(path)).size;
  const fail = async (failure: 'size-mismatch' | 'checksum-mismatch' | 'invalid-gguf', message: string) => {
    await rm(path, { force: true });
    return new ModelDownloadError(uri, failure, `${message}; the file was deleted, run the command again`);
  };
  const wantedBytes = expected?.bytes ?? announcedBytes;
  if (wantedBytes !== undefined && size !== wantedBytes) {
    throw await fail(
      'size-mismatch',
      `${path} has ${size} bytes but ${expected?.bytes !== undefined ? 'the catalog' : 'the server'} announced ${wantedBytes}`,
    );
  }
  if (expected?.sha256) {
    const actual = await sha256Of(path);
    if (actual !== expected.sha256.toLowerCase()) {
      throw await fail('checksum-mismatch', `${path} has SHA-256 ${actual}, expected ${expected.sha256}`);
    }
  }
  try {
    await validateGgufFile(path);
  } catch (error) {
    if (!GgufValidationError.isInstance(error)) throw error;
    throw await fail('invalid-gguf', `the downloaded file is not a complete GGUF (${error.message})`);
  }
}

/**
 * Returns the local path of a remote model file (`hf:` URI or http(s) URL), downloading it into the
 * cache when it is not there yet. Downloads go through node-llama-cpp's downloader: a partial file
 * (`<name>.ipull`) survives a cut connection, a stall, an abort or a crash, and the next call
 * resumes it with HTTP range requests. A finished file is checked (announced size, optional SHA-256,
 * complete GGUF) before it is returned.
 *
 * @throws ModelOfflineError when the file is not cached and the server cannot be reached (or `offline`).
 * @throws ModelDownloadError for HTTP errors, stalls and files that fail the checks.
 */
export async function downloadModelFile(
  uri: string,
  options: DownloadModelFileOptions = {},
): Promise<string> {
  const directory = options.directory ?? modelCacheDir();
  const endpoint = huggingFaceEndpoint(options.huggingFaceEndpoint);
  const cached = await findCachedModelFile(uri, { directory, huggingFaceEndpoint: endpoint });
  if (cached) return cached;
  const cachePath = expectedCachePath(uri, directory);
  if (options.offline ?? process.env.HEARTH_OFFLINE === '1') {
    throw new ModelOfflineError(uri, cachePath, 'Offline mode is on (--offline or HEARTH_OFFLINE=1)');
  }
  const announcedBytes = await probe(
    uri,
    endpoint,
    cachePath,
    options.connectTimeoutMs ?? 15_000,
    options.signal,
  );

  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  const stall = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  const startedAt = Date.now();
  let lastProgressAt = startedAt;
  let mostDownloaded = -1;
  let downloader: ModelDownloader | undefined;
  const report = (downloadedBytes: number, totalBytes: number) => {
    // Only new bytes count as progress: a retry loop re-fetching the same range does not.
    if (downloadedBytes > mostDownloaded) {
      mostDownloaded = downloadedBytes;
      lastProgressAt = Date.now();
    }
    const seconds = (Date.now() - startedAt) / 1000;
    options.onProgress?.({
      uri,
      fileName: downloader?.entrypointFilename ?? cachePath,
      downloadedBytes,
      totalBytes,
      bytesPerSecond: seconds > 0 ? downloadedBytes / seconds : 0,
    });
  };
  downloader = await createModelDownloader({
    modelUri: uri,
    dirPath: directory,
    ...(isHuggingFaceUri(uri)
      ? { endpoints: { huggingFace: endpoint } }
      : { fileName: urlCacheFileName(uri) }),
    showCliProgress: false,
    // Keep partial files: the next attempt resumes them.
    deleteTempFileOnCancel: false,
    skipExisting: true,
    parallelDownloads: 1,
    onProgress: ({ downloadedSize, totalSize }) => report(downloadedSize, totalSize),
  });
  const watchdog = setInterval(
    () => {
      if (Date.now() - lastProgressAt < stallTimeoutMs) return;
      const total = downloader?.totalSize ?? 0;
      stall.abort(
        new ModelDownloadError(
          uri,
          'stalled',
          `no data for ${Math.round(stallTimeoutMs / 1000)} s after ${Math.max(mostDownloaded, 0)} of ${total} bytes ` +
            '(the connection dropped, or the server announces a wrong size); the partial file is kept, ' +
            'run the command again to resume',
        ),
      );
    },
    Math.min(1000, Math.max(50, stallTimeoutMs / 4)),
  );
  let path: string;
  try {
    report(downloader.downloadedSize, downloader.totalSize);
    path = await downloader.download({ signal });
    // A stall or an abort closes the downloader, which then returns instead of throwing.
    if (signal.aborted) throw signal.reason;
  } finally {
    clearInterval(watchdog);
  }
  const totalBytes = downloader.totalFiles === 1 ? downloader.totalSize || announcedBytes : undefined;
  await verifyDownloadedFile(uri, path, totalBytes, options.expected);
  return path;
}
