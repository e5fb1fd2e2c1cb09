import { lstat, mkdir, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';
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
      async run({ path }) {
        const file = await resolveInsideRoot(root, path);
        const info = await stat(file);
        if (!info.isFile()) throw new Error(`${path} is not a file.`);
        if (info.size > maxReadBytes)
          throw new Error(`${path} is ${info.size} bytes; the limit is ${maxReadBytes}.`);
        return readFile(file, 'utf8');
      },
    }),
    defineTool({
      name: 'fs_write',
      description: 'Write a UTF-8 text file under the tool root (creates parent directories).',
      input: z.object({ path: pathArg, content: z.string() }),
      requiresApproval: true,
      async run({ path, content }) {
        const file = await resolveInsideRoot(root, path);
        await mkdir(dirname(file), { recursive: true });
        // Re-check after mkdir: a directory swapped for a symlink in between must not redirect the write.
        const checked = await resolveInsideRoot(root, path);
        await writeFile(checked, content, 'utf8');
        return { path, bytes: Buffer.byteLength(content) };
      },
    }),
    defineTool({
      name: 'fs_list',
      description: 'List the entries of a directory under the tool root ("." for the root itself).',
      input: z.object({ path: pathArg.default('.') }),
      async run({ path }) {
        const dir = await resolveInsideRoot(root, path);
        const entries = await readdir(dir, { withFileTypes: true });
        return {
          entries: entries
            .map((entry) => ({
              name: entry.name,
              type: entry.isDirectory() ? 'directory' : entry.isSymbolicLink() ? 'symlink' : 'file',
            }))
            .sort((a, b) => a.name.localeCompare(b.name)),
        };
      },
    }),
    defineTool({
      name: 'fs_search',
      description:
        'Find files under the tool root whose name or content contains the query (case-insensitive).',
      input: z.object({
        query: z.string().min(1),
        path: pathArg.default('.'),
        maxResults: z.number().int().positive().max(500).default(50),
      }),
      async run({ query, path, maxResults }, { signal }) {
        const start = await resolveInsideRoot(root, path);
        const needle = query.toLowerCase();
        const matches: { path: string; line?: number; text?: string }[] = [];
        const realRoot = await realpath(root);
        async function walk(dir: string): Promise<void> {
          for (const entry of await readdir(dir, { withFileTypes: true })) {
            if (matches.length >= maxResults || signal.aborted) return;
            const full = join(dir, entry.name);
            const rel = relative(realRoot, full);
            if (entry.isSymbolicLink()) continue; // never follow links while walking
            if (entry.isDirectory()) await walk(full);
            else if (entry.isFile()) {
              if (entry.name.toLowerCase().includes(needle)) matches.push({ path: rel });
              const info = await stat(full);
              if (info.size > maxReadBytes) continue;
              const lines = (await readFile(full, 'utf8')).split('\n');
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
