import { realpathSync, watch } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import {
  jsonResourceContents,
  type McpResourceContents,
  type McpResourceSource,
  nameInResourceUri,
} from '@hearth/mcp';
import { listFolderInRoot, type RootEntry, readFileInRoot, resolveInsideRoot } from '@hearth/tools';

const fileUriPrefix = 'hearth-fs:///';
const fileTemplate = `${fileUriPrefix}{+path}`;
/** Files listed by `resources/list`: a few, found breadth-first; the template and completion reach the rest. */
const maxListedFiles = 100;
const maxListedDepth = 3;
/** Folders read for one listing, so a root of many empty folders costs a bounded walk too. */
const maxListedFolders = 200;

const mimeTypes: Record<string, string> = {
  '.md': 'text/markdown',
  '.txt': 'text/plain',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.pdf': 'application/pdf',
};
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text when the bytes are UTF-8 without NUL bytes, otherwise a base64 blob. */
function fileContents(uri: string, path: string, bytes: Uint8Array): McpResourceContents {
  const mimeType = mimeTypes[extname(path).toLowerCase()];
  let text: string | undefined;
  try {
    text = bytes.includes(0) ? undefined : utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) return { uri, mimeType: mimeType ?? 'text/plain', text };
  return {
    uri,
    mimeType: mimeType ?? 'application/octet-stream',
    blob: Buffer.from(bytes).toString('base64'),
  };
}

/** The path a `hearth-fs:///` URI names, percent-decoded once; the root rules then judge it as the fs tools would. */
function pathOfUri(uri: string): string {
  try {
    return decodeURIComponent(uri.slice(fileUriPrefix.length));
  } catch {
    throw new Error('malformed percent-encoding in the path.');
  }
}

const uriOfPath = (path: string) => `${fileUriPrefix}${path.split('/').map(encodeURIComponent).join('/')}`;

/**
 * The files under the fs root as resources `hearth-fs:///{+path}`, read with the fs tools' own rules
 * (`readFileInRoot`): `..`, absolute paths, encoded separators and symlinks out of the root are
 * refused, FIFOs and devices too, and a file over `maxBytes` is refused naming the limit. Text files
 * come as text, others as base64 blobs. Completion offers the entries of the folder being typed.
 * A subscription watches one regular file (found with the same rules) and reports each change.
 */
export function fileResources(root: string, options: { maxBytes?: number } = {}): McpResourceSource {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const list = async (path: string): Promise<RootEntry[]> => listFolderInRoot(root, path).catch(() => []);
  return {
    async list() {
      const found: string[] = [];
      let folders = [{ path: '.', depth: 0 }];
      let read = 0;
      while (folders.length > 0 && found.length < maxListedFiles) {
        const next: typeof folders = [];
        for (const folder of folders) {
          if (++read > maxListedFolders) break;
          for (const entry of await list(folder.path)) {
            // Hidden files and dependency folders are reachable through the template, not listed.
            if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
            const path = folder.path === '.' ? entry.name : `${folder.path}/${entry.name}`;
            if (entry.type === 'file' && found.length < maxListedFiles) found.push(path);
            if (entry.type === 'directory' && folder.depth < maxListedDepth)
              next.push({ path, depth: folder.depth + 1 });
          }
        }
        folders = next;
      }
      return found.map((path) => ({
        uri: uriOfPath(path),
        name: path,
        description: `file ${path} under the fs root`,
        ...(mimeTypes[extname(path).toLowerCase()]
          ? { mimeType: mimeTypes[extname(path).toLowerCase()] }
          : {}),
      }));
    },
    templates: [
      {
        uriTemplate: fileTemplate,
        name: 'file',
        description: `A file under the fs root (at most ${maxBytes} bytes); the path is relative to the root`,
      },
    ],
    async read(uri, signal) {
      if (!uri.startsWith(fileUriPrefix)) return undefined;
      const path = pathOfUri(uri);
      const bytes = await readFileInRoot(root, path, { maxBytes, signal }).catch(
        (error: NodeJS.ErrnoException) => {
          throw error.code === 'ENOENT'
            ? new Error(`no file ${JSON.stringify(path)} under the fs root.`)
            : error;
        },
      );
      return [fileContents(uri, path, bytes)];
    },
    async watch(uri, onChange) {
      if (!uri.startsWith(fileUriPrefix)) return undefined;
      const path = pathOfUri(uri);
      const file = await resolveInsideRoot(root, path);
      const info = await lstat(file).catch(() => undefined);
      if (!info?.isFile()) throw new Error(`no regular file ${JSON.stringify(path)} under the fs root.`);
      const watcher = watch(file, { persistent: false }, () => onChange());
      // A watched file that is removed ends the watch; the subscription simply goes quiet.
      watcher.on('error', () => watcher.close());
      return () => watcher.close();
    },
    async complete(_template, variable, value) {
      if (variable !== 'path') return [];
      const slash = value.lastIndexOf('/');
      const folder = slash < 0 ? '.' : value.slice(0, slash) || '.';
      const prefix = value.slice(slash + 1);
      return (await list(folder))
        .filter(
          (entry) => entry.name.startsWith(prefix) && (entry.type === 'file' || entry.type === 'directory'),
        )
        .map(
          (entry) =>
            `${slash < 0 ? '' : value.slice(0, slash + 1)}${entry.name}${entry.type === 'directory' ? '/' : ''}`,
        );
    },
  };
}

const runUriPrefix = 'hearth-run://';

/** A recorded run as the report resources show it. */
export interface RunReport {
  runId: string;
  /** The folder the run worked in: only runs inside the served fs root are reports of this server. */
  workdir?: string;
  target?: string;
  status?: string;
  updatedAt?: string;
}

const realPath = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/**
 * The runs `hearth run` recorded under `$HEARTH_HOME/runs` whose workdir is the fs root or inside
 * it, as resources `hearth-run://{runId}`: the newest `maxListed` listed, each read as its JSON
 * report (target, model, status, summary, events). Runs of other folders are neither listed nor
 * read: their outputs may hold what lies outside this server's root.
 */
export function runReportResources(runs: {
  root: string;
  list(): Promise<RunReport[]> | RunReport[];
  read(runId: string): Promise<RunReport | undefined> | RunReport | undefined;
  maxListed?: number;
}): McpResourceSource {
  const maxListed = runs.maxListed ?? 50;
  const root = realPath(runs.root);
  const inRoot = (run: RunReport) => {
    if (run.workdir === undefined) return false;
    const workdir = realPath(run.workdir);
    return workdir === root || workdir.startsWith(root.endsWith(sep) ? root : root + sep);
  };
  const served = async () => (await runs.list()).filter(inRoot);
  return {
    async list() {
      return (await served()).slice(0, maxListed).map((run) => ({
        uri: `${runUriPrefix}${encodeURIComponent(run.runId)}`,
        name: `run ${run.runId}`,
        description: `${run.target ?? 'run'}${run.status ? ` (${run.status})` : ''}${run.updatedAt ? `, ${run.updatedAt}` : ''}`,
        mimeType: 'application/json',
      }));
    },
    templates: [
      {
        uriTemplate: `${runUriPrefix}{runId}`,
        name: 'run-report',
        description: 'The report of a run started with hearth run: target, model, status, summary and events',
        mimeType: 'application/json',
      },
    ],
    async read(uri) {
      const runId = nameInResourceUri(uri, runUriPrefix);
      if (runId === undefined) return undefined;
      const report = await runs.read(runId);
      if (report === undefined || !inRoot(report))
        throw new Error(
          `no run "${runId}" of this fs root is recorded on this machine; list them with resources/list (or hearth runs list).`,
        );
      return jsonResourceContents(uri, report);
    },
    async complete(_template, variable, value) {
      if (variable !== 'runId') return [];
      return (await served()).map((run) => run.runId).filter((runId) => runId.startsWith(value));
    },
  };
}
