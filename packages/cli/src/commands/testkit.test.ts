import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateGgufFile } from '@hearth/gguf';
import { testkitModelNames } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearthInProcess } from './test-support/run-in-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cli-testkit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = async (args: string[]) => (await runHearthInProcess(args)).stdout;

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
    await expect(run(['testkit', 'make', '--dir', dir, '--seed', 'abc'])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });
});
