import { constants, type Dirent, existsSync, type Stats } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';
import { NotRegularFileError } from './errors/not-a-regular-file-error.js';
import { PathOutsideRootError } from './errors/path-outside-root-error.js';

export interface FsToolsOptions {
  /** The only directory the tools can see. */
  root: string;
  /** Largest file `fs_read` returns, in bytes (default 1 MiB). */
  maxReadBytes?: number;
}

function refuse(path: string, why: string): never {
  throw new PathOutsideRootError(
    `Path ${JSON.stringify(path)} refused: ${why}. Use a relative path inside the tool root.`,
  );
}

/**
 * Resolves a user-given relative path inside `root`, refusing everything that could leave it:
 * absolute paths, `..` segments, percent-encoded or backslash separators, NUL bytes, and (after
 * resolving symlinks) any real path outside the real root. For paths that do not exist yet, the
 * nearest existing ancestor is checked.
 */
export async function resolveInsideRoot(root: string, path: string): Promise<string> {
  if (path.includes('\0')) refuse(path, 'it contains a NUL byte');
  if (/%(2e|2f|5c|25|00)/i.test(path)) refuse(path, 'it contains percent-encoded path characters');
  if (path.includes('\\')) refuse(path, 'backslashes are not path separators here');
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith('~')) refuse(path, 'it is absolute');
  if (path.split('/').includes('..')) refuse(path, 'it contains ".."');
  const realRoot = await realpath(root);
  const target = resolve(realRoot, path);
  if (target !== realRoot && !target.startsWith(realRoot + sep)) refuse(path, 'it resolves outside the root');
  // Walk up to the nearest existing ancestor and compare real paths, so symlinks cannot point out.
  let existing = target;
  for (;;) {
    try {
      await lstat(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  const realExisting = await realpath(existing).catch(() => refuse(path, 'it goes through a broken symlink'));
  if (realExisting !== realRoot && !realExisting.startsWith(realRoot + sep))
    refuse(path, 'a symlink leads outside the root');
  return join(realExisting, relative(existing, target));
}

function describeKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a directory';
  if (info.isSymbolicLink()) return 'a symlink';
  return 'a regular file';
}

function refuseKind(path: string, info: Stats, wanted: 'a regular file' | 'a directory'): never {
  throw new NotRegularFileError(
    `Path ${JSON.stringify(path)} refused: it is ${describeKind(info)}, and the fs tools ${wanted === 'a directory' ? 'list only directories' : 'read and write only regular files'}.`,
  );
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;
/** Linux names every open descriptor here; opening through it reuses the descriptor's file, not its path. */
const procFds = '/proc/self/fd';
const hasProcFds = existsSync(procFds);

/**
 * Opens the folder `dir` (a real path inside the root) by walking down from the real root one
 * component at a time, each opened with O_NOFOLLOW through the previous descriptor
 * (`/proc/self/fd/<n>/<name>`), creating missing ones when `create`. A folder swapped for a
 * symlink after `resolveInsideRoot` looked (a shell command in the root can do that in a loop)
 * is refused instead of followed, so neither an open nor a new folder can land outside the root.
 */
async function openFolderInRoot(
  root: string,
  dir: string,
  path: string,
  create: boolean,
): Promise<FileHandle> {
  const realRoot = await realpath(root);
  let current = await open(realRoot, O_RDONLY | O_DIRECTORY);
  try {
    for (const name of relative(realRoot, dir).split(sep).filter(Boolean)) {
      const next = `${procFds}/${current.fd}/${name}`;
      if (create)
        await mkdir(next).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      const opened = await open(next, O_RDONLY | O_DIRECTORY | O_NOFOLLOW).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ELOOP' || error.code === 'ENOTDIR')
            refuse(path, 'a folder on its way was swapped for a symlink or a file');
          throw error;
        },
      );
      await current.close();
      current = opened;
    }
    return current;
  } catch (error) {
    await current.close();
    throw error;
  }
}

/** The entries of the folder `dir` (a real path inside the root), read through `openFolderInRoot`. */
async function readFolderInRoot(root: string, dir: string, path: string): Promise<Dirent[]> {
  if (!hasProcFds) return readdir(dir, { withFileTypes: true });
  const folder = await openFolderInRoot(root, dir, path, false);
  try {
    return await readdir(`${procFds}/${folder.fd}`, { withFileTypes: true });
  } finally {
    await folder.close();
  }
}

/**
 * Opens the regular file `file` (a path `resolveInsideRoot` returned) without ever blocking:
 * anything else is refused before the open (lstat) and again after it (fstat on the open
 * descriptor, so a file swapped for a FIFO or device in between is caught); O_NONBLOCK keeps a
 * FIFO's open from waiting for a peer (which used to hold a libuv thread forever and, four calls
 * later, every fs call), O_NOFOLLOW refuses a final component swapped for a symlink, and the
 * folder is reached (and, to write, created) by `openFolderInRoot` where /proc is mounted.
 */
async function openRegularFile(
  root: string,
  file: string,
  path: string,
  mode: 'read' | 'write',
): Promise<FileHandle> {
  const before = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (mode === 'write' && error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (before && !before.isFile()) refuseKind(path, before, 'a regular file');
  const create = mode === 'write';
  const parent = hasProcFds ? await openFolderInRoot(root, dirname(file), path, create) : undefined;
  if (!parent && create) await mkdir(dirname(file), { recursive: true });
  let handle: FileHandle;
  try {
    handle = await open(
      parent ? `${procFds}/${parent.fd}/${basename(file)}` : file,
      (create ? O_WRONLY | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK,
      0o666,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') refuse(path, 'it was replaced by a symlink while being opened');
    if (code === 'ENXIO' || code === 'EISDIR') refuseKind(path, await lstat(file), 'a regular file');
    throw error;
  } finally {
    await parent?.close();
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    refuseKind(path, info, 'a regular file');
  }
  return handle;
}

/** Reads a regular file's bytes, refusing one over `maxBytes` (checked while reading, in case it grows). */
async function readRegularFileBytes(
  root: string,
  file: string,
  path: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const handle = await openRegularFile(root, file, path, 'read');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new Error(`${path} is ${size} bytes; the limit is ${maxBytes}.`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      signal.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes)
        throw new Error(`${path} grew past the limit of ${maxBytes} bytes while being read.`);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Reads a regular file as UTF-8 (see `readRegularFileBytes`). */
async function readRegularFile(
  root: string,
  file: string,
  path: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<string> {
  return (await readRegularFileBytes(root, file, path, maxBytes, signal)).toString('utf8');
}

/**
 * The bytes of the regular file at `path` (relative to `root`), with the fs tools' rules: the same
 * path checks as `resolveInsideRoot`, symlinks out of the root, FIFOs, sockets and devices refused,
 * and at most `maxBytes`. For other readers of the root than the tools (MCP resources).
 * @throws PathOutsideRootError, NotRegularFileError, or an Error naming the size limit.
 */
export async function readFileInRoot(
  root: string,
  path: string,
  options: { maxBytes: number; signal?: AbortSignal },
): Promise<Uint8Array> {
  const file = await resolveInsideRoot(root, path);
  return readRegularFileBytes(
    root,
    file,
    path,
    options.maxBytes,
    options.signal ?? new AbortController().signal,
  );
}

/** One entry of a folder under the root; FIFOs, sockets and devices are `other`. */
export interface RootEntry {
  name: string;
  type: 'directory' | 'symlink' | 'file' | 'other';
}

/**
 * The entries of the folder at `path` (relative to `root`; "." for the root), sorted by name, with
 * the fs tools' rules (the folder is reached without following a symlink swapped in on the way).
 */
export async function listFolderInRoot(root: string, path: string): Promise<RootEntry[]> {
  const dir = await resolveInsideRoot(root, path);
  const info = await lstat(dir);
  if (!info.isDirectory()) refuseKind(path, info, 'a directory');
  const entries = await readFolderInRoot(root, dir, path);
  return entries
    .map(
      (entry): RootEntry => ({
        name: entry.name,
        type: entry.isDirectory()
          ? 'directory'
          : entry.isSymbolicLink()
            ? 'symlink'
            : entry.isFile()
              ? 'file'
              : 'other', // FIFOs, sockets, devices: the fs tools refuse them
      }),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The sandboxed filesystem tools: `fs_read`, `fs_write` (requires approval), `fs_list`, `fs_search`. */
export function fsTools(options: FsToolsOptions): ToolDefinition[] {
  const root = resolve(options.root);
  const maxReadBytes = options.maxReadBytes ?? 1024 * 1024;
  const pathArg = z.string().min(1).describe('path relative to the tool root, e.g. "notes/todo.md"');
  return [
    defineTool({
      name: 'fs_read',
      description: 'Read a UTF-8 text file under the tool root.',
      input: z.object({ path: pathArg }),
      effects: { readsFiles: true },
      async run({ path }, { signal }) {
        return readRegularFile(root, await resolveInsideRoot(root, path), path, maxReadBytes, signal);
      },
    }),
    defineTool({
      name: 'fs_write',
      description: 'Write a UTF-8 text file under the tool root (creates parent directories).',
      input: z.object({ path: pathArg, content: z.string() }),
      requiresApproval: true,
      effects: { writes: true },
      async run({ path, content }, { signal }) {
        const file = await resolveInsideRoot(root, path);
        // A call that timed out or was cancelled writes nothing: checked before the file is touched.
        signal.throwIfAborted();
        const handle = await openRegularFile(root, file, path, 'write');
        try {
          signal.throwIfAborted();
          await handle.truncate(0);
          await handle.writeFile(content, { encoding: 'utf8', signal });
        } finally {
          await handle.close();
        }
        return { path, bytes: Buffer.byteLength(content) };
      },
    }),
    defineTool({
      name: 'fs_list',
      description: 'List the entries of a directory under the tool root ("." for the root itself).',
      input: z.object({ path: pathArg.default('.') }),
      effects: { readsFiles: true },
      async run({ path }) {
        return { entries: await listFolderInRoot(root, path) };
      },
    }),
    defineTool({
      name: 'fs_search',
      description:
        'Find files under the tool root whose name or content contains the query (case-insensitive).',
      effects: { readsFiles: true },
      input: z.object({
        query: z.string().min(1),
        path: pathArg.default('.'),
        maxResults: z.number().int().positive().max(500).default(50),
      }),
      async run({ query, path, maxResults }, { signal }) {
        const start = await resolveInsideRoot(root, path);
        const startInfo = await lstat(start);
        if (!startInfo.isDirectory()) refuseKind(path, startInfo, 'a directory');
        const needle = query.toLowerCase();
        const matches: { path: string; line?: number; text?: string }[] = [];
        const realRoot = await realpath(root);
        async function walk(dir: string): Promise<void> {
          for (const entry of await readFolderInRoot(root, dir, relative(realRoot, dir) || '.')) {
            if (matches.length >= maxResults || signal.aborted) return;
            const full = join(dir, entry.name);
            const rel = relative(realRoot, full);
            if (entry.isSymbolicLink()) continue; // never follow links while walking
            if (entry.isDirectory()) await walk(full);
            else if (entry.isFile()) {
              if (entry.name.toLowerCase().includes(needle)) matches.push({ path: rel });
              // Too big, or swapped for a FIFO/device since readdir: skipped, never waited on.
              const text = await readRegularFile(root, full, rel, maxReadBytes, signal).catch((error) => {
                if (signal.aborted) throw error;
                return undefined;
              });
              if (text === undefined) continue;
              const lines = text.split('\n');
              for (let i = 0; i < lines.length && matches.length < maxResults; i++)
                if (lines[i]?.toLowerCase().includes(needle))
                  matches.push({ path: rel, line: i + 1, text: lines[i]?.slice(0, 200) });
            }
          }
        }
        await walk(start);
        return { matches };
      },
    }),
  ];
}
