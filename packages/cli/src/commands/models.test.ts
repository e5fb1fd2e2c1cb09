import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expectedCachePath } from '@hearth/model';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'hearth-cli-models-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The real `hearth` binary with HEARTH_HOME set to a temp dir, online (these tests download). */
const hearth = (args: string[], env: Record<string, string> = {}) =>
  runHearth(args, { home, env: { HEARTH_OFFLINE: '', ...env } });

/** A minimal Hugging Face-style `resolve/main` file server for one repo. */
async function hubServer(files: Record<string, Buffer>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const body = files[path];
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) : body.length - 1;
    response.writeHead(range ? 206 : 200, {
      'accept-ranges': 'bytes',
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${body.length}` } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

describe('hearth models', () => {
  it('list --json shows presets with their cache state and the cache contents', async () => {
    const uri = 'hf:unsloth/gemma-4-12B-it-qat-GGUF/gemma-4-12B-it-qat-Q4_0.gguf';
    const cached = expectedCachePath(uri, join(home, 'models'));
    await mkdir(dirname(cached), { recursive: true });
    await copyFile(await makeTestkitModel('tiny', { dir: join(home, 'fixtures') }), cached);
    await writeFile(join(home, 'models', 'other.gguf.ipull'), 'partial');

    const { code, stdout } = await hearth(['models', 'list', '--json']);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout);
    expect(listed.cacheDir).toBe(join(home, 'models'));
    const gemma = listed.presets.find((preset: { name: string }) => preset.name === 'gemma-4-12b');
    expect(gemma.quantizations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Q4_0', cached: true }),
        expect.objectContaining({ name: 'Q8_0', cached: false }),
      ]),
    );
    expect(listed.presets.map((preset: { name: string }) => preset.name)).toEqual(
      expect.arrayContaining([
        'gemma-4-12b-mtp',
        'gemma-4-26b-a4b',
        'gemma-4-e4b',
        'tiny',
        'tiny-mtp',
        'tiny-moe',
        'cycle',
      ]),
    );
    expect(listed.cache).toEqual([
      expect.objectContaining({ file: cached, partial: false }),
      expect.objectContaining({ file: join(home, 'models', 'other.gguf.ipull'), partial: true }),
    ]);
    await rm(join(home, 'models'), { recursive: true });
  });

  it('pull downloads an hf: set from the configured endpoint, validates it, and works offline afterwards', async () => {
    const fixtures = join(home, 'fixtures');
    const server = await hubServer({
      '/acme/tiny-GGUF/resolve/main/tiny.gguf': await readFile(
        await makeTestkitModel('tiny', { dir: fixtures }),
      ),
      '/acme/tiny-GGUF/resolve/main/mmproj.gguf': await readFile(
        await makeTestkitModel('tiny-mmproj', { dir: fixtures }),
      ),
    });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const args = [
      'models',
      'pull',
      'hf:acme/tiny-GGUF/tiny.gguf',
      '--mmproj',
      'hf:acme/tiny-GGUF/mmproj.gguf',
      '--json',
    ];
    try {
      const pulled = await hearth(args, { HF_ENDPOINT: endpoint });
      expect(pulled.stderr).toBe('');
      expect(pulled.code).toBe(0);
      const { set, info } = JSON.parse(pulled.stdout);
      expect(set.target).toBe(join(home, 'models', 'hf_acme_tiny.gguf'));
      expect(info.capabilities).toMatchObject({ vision: true, audio: true, mtp: false });
    } finally {
      server.close();
    }
    const offline = await hearth([...args, '--offline'], { HF_ENDPOINT: endpoint });
    expect(offline.code).toBe(0);
  });

  it('pull exits 3 with an offline hint when the server is unreachable', async () => {
    const closed = await hubServer({});
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stdout, stderr } = await hearth(['models', 'pull', 'gemma-4-e4b'], {
      HF_ENDPOINT: `http://127.0.0.1:${port}/`,
    });
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/appear to be offline/);
    expect(stderr).toContain(join(home, 'models', 'hf_unsloth_gemma-4-E4B-it-Q4_K_M.gguf'));
  });

  it('info describes files from their headers, and a not-downloaded preset from the catalog', async () => {
    const tiny = await hearth(['models', 'info', 'tiny', '--json']);
    expect(tiny.code).toBe(0);
    const { info } = JSON.parse(tiny.stdout);
    expect(info.target).toMatchObject({
      architecture: 'gemma4',
      hiddenSize: 64,
      vocabularySize: 768,
      contextLength: 8192,
    });
    expect(info.mmproj).toMatchObject({ architecture: 'clip', vision: true, audio: true });

    const preset = await hearth(['models', 'info', 'gemma-4-12b:Q8_0']);
    expect(preset.code).toBe(0);
    expect(preset.stdout).toMatch(
      /quantisation Q8_0: ~11\.7 GiB\s+hf:unsloth\/gemma-4-12B-it-qat-GGUF\/gemma-4-12B-it-qat-Q8_0\.gguf/,
    );
    expect(preset.stdout).toContain('not downloaded');

    const unknown = await hearth(['models', 'info', 'gemma-9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown model "gemma-9"/);
  });

  it('fit gives a verdict and breakdown, and exits 3 when the model cannot fit', async () => {
    const tiny = await hearth(['models', 'fit', 'tiny', '--context', '4096', '--json']);
    expect(tiny.code).toBe(0);
    const [fit] = JSON.parse(tiny.stdout).fits;
    expect(fit).toMatchObject({ label: 'tiny', contextSize: 4096, source: 'gguf', verdict: 'fits' });
    expect(fit.kvCacheBytes).toBe(3 * 1024 * 32 * 2 + 4096 * 64 * 2);

    const text = await hearth(['models', 'fit', 'gemma-4-26b-a4b', '-c', '8192']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^this machine: .* total, .* available$/m);
    expect(text.stdout).toMatch(
      /^\* gemma-4-26b-a4b:Q4_K_M: (FITS|TIGHT|TOO-BIG) {2}needs ~.* at context 8192 \(catalog estimate\)$/m,
    );
    expect(text.stdout).toMatch(/KV cache .*, compute .*, runtime/);

    const huge = await hearth(['models', 'fit', 'gemma-4-26b-a4b:Q8_0', '--context', '4194304', '--json']);
    expect(huge.code).toBe(3);
    const selected = JSON.parse(huge.stdout).fits.find((entry: { selected: boolean }) => entry.selected);
    expect(selected).toMatchObject({ label: 'gemma-4-26b-a4b:Q8_0', verdict: 'too-big' });

    const auto = await hearth([
      'models',
      'fit',
      'gemma-4-26b-a4b',
      '--quant',
      'auto',
      '-c',
      '4194304',
      '--json',
    ]);
    expect(auto.code).toBe(3);
    const autoFits = JSON.parse(auto.stdout).fits as { selected: boolean; verdict: string }[];
    expect(autoFits.some((entry) => entry.selected)).toBe(false);
    expect(autoFits.every((entry) => entry.verdict === 'too-big')).toBe(true);

    const bad = await hearth(['models', 'fit', 'tiny', '--context', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--context <tokens>' argument 'lots' is invalid. expected a token count/);
  });
});
