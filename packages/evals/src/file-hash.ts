import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

interface CacheEntry {
  mtimeMs: number;
  size: number;
  sha256: string;
}

/**
 * sha256 of model files for summary.json, hashed only when asked and cached by path, mtime and size in a
 * JSON file: hashing a 15 GB GGUF takes a minute, and the same file is hashed on every run.
 */
export class FileHashCache {
  private entries: Record<string, CacheEntry> | undefined;

  constructor(private readonly cacheFile: string) {}

  async sha256(path: string): Promise<{ path: string; size: number; sha256: string }> {
    const info = await stat(path);
    const entries = await this.load();
    const cached = entries[path];
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size)
      return { path, size: info.size, sha256: cached.sha256 };
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const sha256 = hash.digest('hex');
    entries[path] = { mtimeMs: info.mtimeMs, size: info.size, sha256 };
    await mkdir(dirname(this.cacheFile), { recursive: true });
    await writeFile(this.cacheFile, JSON.stringify(entries, null, 2));
    return { path, size: info.size, sha256 };
  }

  private async load(): Promise<Record<string, CacheEntry>> {
    if (!this.entries) {
      try {
        this.entries = JSON.parse(await readFile(this.cacheFile, 'utf8')) as Record<string, CacheEntry>;
      } catch {
        // No cache yet, or one left unreadable by a killed write: start again (it only saves time).
        this.entries = {};
      }
    }
    return this.entries;
  }
}
