import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startServices, stopServices } from './index.js';

const run = promisify(execFile);

describe('startServices / stopServices', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) {
      await stopServices(dir).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts a Redis and a Postgres that answer, refuses a second start in the same dir, and stops them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-services-'));
    dirs.push(dir);
    const urls = await startServices({ dir });
    const redisPort = new URL(urls.redisUrl).port;
    const { stdout: pong } = await run('redis-cli', ['-p', redisPort, 'PING']);
    expect(pong.trim()).toBe('PONG');
    const { stdout: appendOnly } = await run('redis-cli', ['-p', redisPort, 'CONFIG', 'GET', 'appendonly']);
    expect(appendOnly.split('\n')[1]).toBe('yes');
    const { stdout: one } = await run('psql', [urls.postgresUrl, '-tAc', 'select 1 + 1']);
    expect(one.trim()).toBe('2');

    await expect(startServices({ dir })).rejects.toMatchObject({ code: 'SERVICE_START_FAILED' });

    await stopServices(dir);
    await expect(run('redis-cli', ['-p', redisPort, 'PING'])).rejects.toBeDefined();
    await expect(run('psql', [urls.postgresUrl, '-tAc', 'select 1'])).rejects.toBeDefined();
    expect(existsSync(join(dir, 'services.json'))).toBe(false);
    await expect(stopServices(dir)).rejects.toMatchObject({ code: 'SERVICE_STATE_MISSING' });
  });
});
