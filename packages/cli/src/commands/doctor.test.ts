import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runHearthInProcess } from './test-support/run-in-process.js';

interface DoctorJson {
  engines: { default: string; reason: string; native: { built: boolean; directory: string } };
  cpu: { cores: number; simd: string[] };
  buildTools: { present: string[]; missing: string[]; install?: string };
  services: Record<string, unknown>;
  cache: { home: string; models: { bytes: number } };
}

describe('hearth doctor and hearth engine status', () => {
  let home: string;
  beforeAll(async () => {
    // An empty home: no native build, and a model cache of known size.
    home = await mkdtemp(join(tmpdir(), 'hearth-doctor-'));
    await mkdir(join(home, 'models'), { recursive: true });
    await writeFile(join(home, 'models', 'a.gguf'), Buffer.alloc(1000));
    vi.stubEnv('HEARTH_HOME', home);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(home, { recursive: true, force: true });
  });

  it('reports the default engine and why, the CPU, build tools, services and the cache size', async () => {
    const report = JSON.parse((await runHearthInProcess(['doctor', '--json'])).stdout) as DoctorJson;
    expect(report.engines.default).toBe('llama-node');
    expect(report.engines.reason).toContain('hearth engine build');
    expect(report.engines.native.built).toBe(false);
    expect(report.engines.native.directory.startsWith(join(home, 'engines', 'llama.cpp'))).toBe(true);
    expect(report.cpu.cores).toBeGreaterThan(0);
    expect(report.buildTools.present.length + report.buildTools.missing.length).toBe(4);
    expect(Object.keys(report.services).sort()).toEqual([
      'bubblewrap',
      'chromium',
      'espeak-ng',
      'postgres',
      'redis',
    ]);
    expect(report.cache.home).toBe(home);
    expect(report.cache.models.bytes).toBe(1000);
  });

  it('says which engine runs by default without a build, and where the build would go', async () => {
    const { stdout } = await runHearthInProcess(['engine', 'status']);
    expect(stdout).toContain('default engine: llama-node');
    expect(stdout).toContain(join(home, 'engines', 'llama.cpp'));
  });
});
