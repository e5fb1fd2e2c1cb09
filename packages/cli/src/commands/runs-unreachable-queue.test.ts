import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

const counted = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));

/** A port nothing listens on: bound once by the OS, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('hearth runs with a configured queue that cannot be reached', () => {
  it('lists the local runs with a warning naming Redis (password redacted) and exit 1; show and cancel answer for local ids', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hearth-runs-noqueue-home-'));
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-runs-noqueue-work-'));
    const done = await runHearth(['run', counted, '--thread', 'here', '--workdir', workdir, '--json'], {
      home,
    });
    expect(done.code, done.stderr).toBe(0);

    const redisUrl = `redis://:s3cret-pass@127.0.0.1:${await closedPort()}`;
    const queueEnv = {
      HEARTH_REDIS_URL: redisUrl,
      HEARTH_POSTGRES_URL: `postgres://hearth:pg-pass@127.0.0.1:${await closedPort()}/hearth`,
    };
    const hearth = (args: string[]) => runHearth(args, { home, env: queueEnv });
    const redacted = redisUrl.replace('s3cret-pass', '***');

    const json = await hearth(['runs', 'list', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject([{ runId: 'here', status: 'done', where: 'local' }]);
    expect(json.stderr).toMatch(
      /^hearth: warning: queued runs not listed, only local ones: cannot reach Redis at /,
    );
    expect(json.stderr).toContain(redacted);
    expect(json.stderr).not.toContain('s3cret-pass');
    expect(json.stderr.trimEnd().split('\n')).toHaveLength(1);

    const table = await hearth(['runs', 'list']);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(
      /^RUN ID +STATUS +WHERE +TARGET +UPDATED\nhere +done +local +counted-workflow /,
    );
    expect(table.stderr).toContain(`cannot reach Redis at ${redacted}`);

    // A local id is answered from the local runs: the queue is not asked, so no warning.
    const shown = await hearth(['runs', 'show', 'here', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout)).toMatchObject({ runId: 'here', status: 'done' });
    const refused = await hearth(['runs', 'cancel', 'here']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'hearth: cannot cancel run here: it is done, not running or paused; there is nothing to stop\n',
    );

    // An id that is not local can only be on the queue: its error is the answer.
    for (const command of ['show', 'cancel']) {
      const elsewhere = await hearth(['runs', command, 'elsewhere']);
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stderr).toMatch(/^hearth: cannot reach Redis at /);
      expect(elsewhere.stderr).toContain(redacted);
      expect(elsewhere.stderr).not.toContain('s3cret-pass');
    }
  }, 180_000);
});
