import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const recorder = fileURLToPath(new URL('./test-support/record-loaded-modules.mjs', import.meta.url));
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** What an import must not drag in: the engines' native bindings and the browser driver. */
const forbidden = [
  /\/node_modules\/@fugood\/llama\.node\//,
  /\/node_modules\/node-llama-cpp\//,
  /\/node_modules\/playwright-core\//,
  /^addon:/,
];

/** Imports `specifiers` in a fresh Node.js process (resolved from this package, as a user's code would) and lists what loaded. */
async function modulesLoadedBy(specifiers: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-import-footprint-'));
  const record = join(dir, 'loaded.txt');
  try {
    const program = specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`).join('\n');
    await promisify(execFile)(
      process.execPath,
      ['--import', recorder, '--input-type=module', '-e', program],
      {
        cwd: packageRoot,
        env: { ...process.env, HEARTH_LOADED_MODULES: record },
      },
    );
    return (await readFile(record, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const offending = (loaded: string[]) => [
  ...new Set(loaded.filter((entry) => forbidden.some((pattern) => pattern.test(entry)))),
];

describe('importing the core, contract and MCP packages', () => {
  it('loads no engine binding, no native addon and no browser driver', async () => {
    const loaded = await modulesLoadedBy(['@hearth/engine', '@hearth/core', '@hearth/mcp']);
    expect(loaded.some((entry) => entry.includes('/packages/core/'))).toBe(true);
    expect(offending(loaded)).toEqual([]);
  });

  it('would notice a binding or a browser driver (the check can fail)', async () => {
    const loaded = await modulesLoadedBy(['@fugood/llama.node', 'playwright-core']);
    const found = offending(loaded).join('\n');
    expect(found).toContain('/node_modules/@fugood/llama.node/');
    expect(found).toContain('/node_modules/playwright-core/');
  });
});
