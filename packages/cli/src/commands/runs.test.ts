import { closeSync, existsSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

const counted = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));

const hearth = (args: string[], home: string) => runHearth(args, { home });

describe('hearth runs doctor', () => {
  it('reports the runs, refuses new runs on a damaged store (exit 1, naming the file), and --repair brings them back', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hearth-runs-home-'));
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-runs-work-'));
    const store = join(home, 'checkpoints.sqlite');
    for (const thread of ['first', 'second', 'third']) {
      const run = await hearth(['run', counted, '--thread', thread, '--workdir', workdir, '--json'], home);
      expect(run.code, run.stderr).toBe(0);
    }
    const healthy = await hearth(['runs', 'doctor', '--json'], home);
    expect(healthy.code, healthy.stderr).toBe(0);
    const report = JSON.parse(healthy.stdout);
    expect(report).toMatchObject({ path: store, healthy: true });
    expect(report.threads.map((t: { threadId: string }) => t.threadId).sort()).toEqual([
      'first',
      'second',
      'third',
    ]);

    // Damage the last page: where the newest rows live.
    const size = statSync(store).size;
    const fd = openSync(store, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, size - 4096);
    closeSync(fd);

    const blocked = await hearth(['run', counted, '--thread', 'fourth', '--workdir', workdir], home);
    expect(blocked.code, blocked.stderr).toBe(1);
    expect(blocked.stderr).toContain(`The checkpoint store ${store} is damaged`);
    expect(blocked.stderr).toMatch(/hearth runs doctor --checkpoints .* --repair/);

    const damaged = await hearth(['runs', 'doctor'], home);
    expect(damaged.code, damaged.stderr).toBe(1);
    expect(damaged.stdout, damaged.stderr).toMatch(/DAMAGED: /);
    expect(damaged.stdout).toMatch(/hearth runs doctor --repair/);

    const repaired = await hearth(['runs', 'doctor', '--repair', '--json'], home);
    expect(repaired.code, repaired.stderr).toBe(0);
    const repair = JSON.parse(repaired.stdout).repair;
    expect(existsSync(repair.damagedPath)).toBe(true);
    expect(repair.report.healthy).toBe(true);

    const after = await hearth(['run', counted, '--thread', 'fourth', '--workdir', workdir, '--json'], home);
    expect(after.code, after.stderr).toBe(0);
    const final = JSON.parse((await hearth(['runs', 'doctor', '--json'], home)).stdout);
    expect(final.healthy).toBe(true);
    expect(final.threads.map((t: { threadId: string }) => t.threadId)).toContain('fourth');
  }, 180_000);
});
