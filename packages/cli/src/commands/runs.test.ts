import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHearth, startHearth } from './test-support/hearth-binary.js';
import { until } from './test-support/until.js';

const counted = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));
const publish = fileURLToPath(new URL('./test-support/publish-workflow.ts', import.meta.url));

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

describe('hearth runs list|show|cancel (local runs)', () => {
  it('lists each run with its true status, shows its steps and events, cancels a running one and refuses a finished one', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hearth-runs-list-home-'));
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-runs-list-work-'));
    const counter = join(workdir, 'counter.txt');
    const listed = async () => {
      const list = await hearth(['runs', 'list', '--json'], home);
      expect(list.code, list.stderr).toBe(0);
      return Object.fromEntries(
        (
          JSON.parse(list.stdout) as {
            runId: string;
            thread: string;
            status: string;
            error?: { code?: string };
          }[]
        ).map((run) => [run.runId, run]),
      );
    };

    expect(await listed()).toEqual({});
    const done = await hearth(['run', counted, '--thread', 'finished', '--workdir', workdir, '--json'], home);
    expect(done.code, done.stderr).toBe(0);

    // A run blocked in its second step, then cancelled from another process.
    const blocked = startHearth(['run', counted, '--thread', 'blocked', '--workdir', workdir], {
      home,
      env: { HEARTH_TEST_BLOCK_AT: 's2' },
    });
    await until('step s2 to start', () => (existsSync(`${counter}.started-s2`) ? true : undefined), 120_000);
    const whileRunning = await listed();
    expect(whileRunning.finished).toMatchObject({ thread: 'finished', status: 'done' });
    expect(whileRunning.blocked).toMatchObject({ thread: 'blocked', status: 'running' });

    const shown = await hearth(['runs', 'show', 'blocked', '--json'], home);
    expect(shown.code, shown.stderr).toBe(0);
    const events = JSON.parse(shown.stdout).events as { type: string; node?: string }[];
    expect(events.filter((event) => event.type === 'node-end').map((event) => event.node)).toEqual(['s1']);
    expect(events.at(-1)).toMatchObject({ type: 'tool-call', tool: 'count', args: { step: 's2' } });

    const cancelled = await hearth(['runs', 'cancel', 'blocked'], home);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe('run blocked: cancelled\n');
    const ended = await blocked.closed;
    expect(ended.signal, blocked.stderr()).toBe(null);
    expect(ended.code).toBe(1);
    expect(blocked.stderr()).toContain(
      'hearth: run blocked was cancelled (hearth runs cancel); its finished steps are checkpointed: hearth run --resume blocked continues it',
    );
    expect((await listed()).blocked).toMatchObject({ status: 'cancelled' });
    // The finished run counted three steps; the cancelled one only its first.
    expect(readFileSync(counter, 'utf8')).toBe('s1\ns2\ns3\ns1\n');

    const refused = await hearth(['runs', 'cancel', 'finished'], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'hearth: cannot cancel run finished: it is done, not running or paused; there is nothing to stop\n',
    );
    const unknown = await hearth(['runs', 'show', 'nothing-here'], home);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no run with id "nothing-here"/);

    const table = await hearth(['runs', 'list'], home);
    expect(table.stdout).toMatch(/^RUN ID +STATUS +WHERE +TARGET +UPDATED\n/);
    expect(table.stdout).toMatch(/\nfinished +done +local +counted-workflow +\d{4}-/);
    const human = await hearth(['runs', 'show', 'finished'], home);
    expect(human.stdout).toMatch(/status +done/);
    expect(human.stdout).toMatch(
      /events:\n {2}> s1\n {4}-> count \{"step":"s1"\}\n {4}<- count: counted s1\n {2}ok s1 \d+\.\ds\n {2}> s2/,
    );
    expect(human.stdout).toContain('"done": [');
  }, 240_000);

  it('a paused run is listed as paused, cancelled by runs cancel, and its pending call can no longer be approved', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hearth-runs-paused-home-'));
    const dir = mkdtempSync(join(tmpdir(), 'hearth-runs-paused-work-'));
    const input = JSON.stringify({ dir });
    const paused = await hearth(
      ['run', publish, '--model', 'tiny', '--thread', 'waiting', '--input', input],
      home,
    );
    expect(paused.code, paused.stderr).toBe(4);
    const list = JSON.parse((await hearth(['runs', 'list', '--json'], home)).stdout);
    expect(list).toMatchObject([{ runId: 'waiting', status: 'paused' }]);
    const shown = await hearth(['runs', 'show', 'waiting'], home);
    expect(shown.stdout).toContain('paused; continue with: hearth run --resume waiting --approve');

    const cancelled = await hearth(['runs', 'cancel', 'waiting', '--json'], home);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ runId: 'waiting', status: 'cancelled' });
    const approved = await hearth(['run', '--resume', 'waiting', '--approve'], home);
    expect(approved.code).toBe(2);
    expect(approved.stderr).toMatch(/run waiting was cancelled/);
    expect(existsSync(join(dir, 'published.txt'))).toBe(false);
  }, 240_000);

  it('a run whose process was SIGKILLed shows as failed (interrupted), and resuming it makes it done', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hearth-runs-kill-home-'));
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-runs-kill-work-'));
    const counter = join(workdir, 'counter.txt');
    const killed = startHearth(['run', counted, '--thread', 'killed', '--workdir', workdir], {
      home,
      env: { HEARTH_TEST_BLOCK_AT: 's2' },
    });
    await until('step s2 to start', () => (existsSync(`${counter}.started-s2`) ? true : undefined), 120_000);
    killed.child.kill('SIGKILL');
    await killed.closed;
    const list = JSON.parse((await hearth(['runs', 'list', '--json'], home)).stdout);
    expect(list).toMatchObject([{ runId: 'killed', status: 'failed', error: { code: 'RUN_INTERRUPTED' } }]);
    expect(list[0].error.message).toContain('hearth run --resume killed');

    const resumed = await hearth(['run', '--resume', 'killed', '--json'], home);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse((await hearth(['runs', 'list', '--json'], home)).stdout);
    expect(after).toMatchObject([{ runId: 'killed', status: 'done' }]);
    expect(readFileSync(counter, 'utf8')).toBe('s1\ns2\ns3\n');
  }, 240_000);
});
