import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testkitModelNames, validateGgufFile } from '@hearth/testkit';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgram } from '../program.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cli-testkit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `hearth <args>` in-process and returns what it printed to stdout. */
async function run(args: string[]): Promise<string> {
  let printed = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    const program = createProgram();
    // Throw instead of exiting on usage errors, on every (already registered) subcommand too.
    const overrideExit = (command: Command): void => {
      command.exitOverride();
      command.commands.forEach(overrideExit);
    };
    overrideExit(program);
    await program.parseAsync(['node', 'hearth', ...args]);
  } finally {
    write.mockRestore();
  }
  return printed;
}

describe('hearth testkit make', () => {
  it('--json prints {name: path} for the whole family, each a valid GGUF', async () => {
    const family = JSON.parse(await run(['testkit', 'make', '--dir', dir, '--json'])) as Record<
      string,
      string
    >;
    expect(Object.keys(family).sort()).toEqual([...testkitModelNames].sort());
    const architectures = await Promise.all(
      Object.values(family).map(
        async (path) => (await validateGgufFile(path)).metadata['general.architecture'],
      ),
    );
    expect(architectures.sort()).toEqual([
      'clip',
      'gemma4',
      'gemma4',
      'gemma4',
      'gemma4-assistant',
      'gemma4-assistant',
    ]);
  });

  it('prints an aligned table without --json, and --seed changes the files', async () => {
    const table = await run(['testkit', 'make', '--dir', dir, '--seed', '42']);
    const lines = table.trim().split('\n');
    expect(lines).toHaveLength(testkitModelNames.length);
    const pathColumns = lines.map((line) => line.indexOf(dir));
    expect(new Set(pathColumns).size).toBe(1);
    expect(lines[0]).toMatch(/^tiny\s+\d+ KiB\s+\//);
    const seeded = JSON.parse(
      await run(['testkit', 'make', '--dir', dir, '--seed', '42', '--json']),
    ) as Record<string, string>;
    const defaults = JSON.parse(await run(['testkit', 'make', '--dir', dir, '--json'])) as Record<
      string,
      string
    >;
    expect(seeded.tiny).not.toBe(defaults.tiny);
    expect(table).toContain(seeded.tiny);
  });

  it('refuses a seed that is not a 32-bit unsigned integer', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(run(['testkit', 'make', '--dir', dir, '--seed', 'abc'])).rejects.toMatchObject({
        code: 'commander.invalidArgument',
      });
    } finally {
      stderr.mockRestore();
    }
  });
});
