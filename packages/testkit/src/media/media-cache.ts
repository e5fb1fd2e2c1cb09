import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultTestkitDir } from '../family.js';

/**
 * Where media fixtures are cached: `media/` under the testkit's model cache, i.e.
 * `$HEARTH_HOME/testkit/media` with HEARTH_HOME defaulting to `~/.cache/hearth`.
 */
export function defaultMediaDir(): string {
  return join(defaultTestkitDir(), 'media');
}

/** A unique temporary name next to `path`, with `path`'s extension kept (sox picks formats by extension). */
export function temporarySibling(path: string): string {
  const dot = path.lastIndexOf('.');
  const suffix = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  return dot > path.lastIndexOf('/')
    ? `${path.slice(0, dot)}${suffix}${path.slice(dot)}`
    : `${path}${suffix}`;
}

/**
 * Writes a file so that readers see either nothing or the whole file: data goes to a temporary sibling
 * that is then renamed over `path`. Concurrent writers of the same fixture are harmless (last rename wins).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporarySibling(path);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** True when `path` exists and is a non-empty regular file. */
export async function isNonEmptyFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.isFile() && info.size > 0;
  } catch {
    return false;
  }
}
