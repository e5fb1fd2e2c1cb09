import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hearthHome } from '@hearth/engine';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { ModelOfflineError } from '../errors/model-offline-error.js';
import { expectedCachePath } from './download.js';
import { modelCacheDir } from './model-cache.js';
import { resolveModelSet } from './resolve.js';
import { ModelFileServer } from './test-support/model-file-server.js';
import { validateModelSet } from './validate-set.js';

let home: string;
const previousHome = process.env.HEARTH_HOME;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'hearth-home-'));
  process.env.HEARTH_HOME = home;
});

afterAll(async () => {
  if (previousHome === undefined) delete process.env.HEARTH_HOME;
  else process.env.HEARTH_HOME = previousHome;
  await rm(home, { recursive: true, force: true });
});

describe('hearthHome', () => {
  it('follows HEARTH_HOME, and defaults to ~/.cache/hearth', () => {
    expect(hearthHome()).toBe(home);
    expect(modelCacheDir()).toBe(join(home, 'models'));
    delete process.env.HEARTH_HOME;
    try {
      expect(hearthHome()).toMatch(/\/\.cache\/hearth$/);
    } finally {
      process.env.HEARTH_HOME = home;
    }
  });
});

describe('resolveModelSet', () => {
  it('generates the testkit presets under HEARTH_HOME and they validate as sets', async () => {
    const tiny = await resolveModelSet({ model: 'tiny' });
    expect(tiny.name).toBe('tiny');
    for (const path of [tiny.target, tiny.drafter, tiny.mmproj])
      expect(path?.startsWith(join(home, 'testkit'))).toBe(true);
    const info = await validateModelSet(tiny);
    expect(info.capabilities).toEqual({ vision: true, audio: true, mtp: true, moe: false });
    expect(info.target).toMatchObject({
      architecture: 'gemma4',
      hiddenSize: 64,
      vocabularySize: 768,
      blockCount: 4,
    });

    const mtp = await resolveModelSet({ model: 'tiny-mtp' });
    expect(mtp).toEqual({ name: 'tiny-mtp', target: tiny.target, drafter: tiny.drafter });
    const moe = await validateModelSet(await resolveModelSet({ model: 'tiny-moe' }));
    expect(moe.capabilities).toMatchObject({ moe: true, vision: true, mtp: false });
    const cycle = await validateModelSet(await resolveModelSet({ model: 'cycle' }));
    expect(cycle.drafter?.architecture).toBe('gemma4-assistant');
  });

  it('lets an explicit mmproj or drafter replace the preset one', async () => {
    const tiny = await resolveModelSet({ model: 'tiny' });
    const set = await resolveModelSet({ model: 'tiny-mtp', mmproj: tiny.mmproj as string });
    expect(set.mmproj).toBe(tiny.mmproj);
  });

  it('takes local paths, and names what is wrong with a bad spec', async () => {
    const tiny = await resolveModelSet({ model: 'tiny' });
    const local = await resolveModelSet({ model: tiny.target, drafter: tiny.drafter as string });
    expect(local).toEqual({
      name: tiny.target.split('/').pop()?.replace('.gguf', ''),
      target: tiny.target,
      drafter: tiny.drafter,
    });

    const unknown = await resolveModelSet({ model: 'gemma-5' }).catch((e) => e);
    expect(ModelNotFoundError.isInstance(unknown)).toBe(true);
    expect(unknown.code).toBe('MODEL_UNKNOWN_PRESET');
    expect(unknown.message).toMatch(/Unknown model "gemma-5".*Presets: gemma-4-12b, gemma-4-12b-mtp/);
    expect(unknown.message).not.toContain('Did you mean');
    const typo = await resolveModelSet({ model: 'gemma-4-12' }).catch((e) => e);
    expect(typo.code).toBe('MODEL_UNKNOWN_PRESET');
    expect(typo.message).toContain('Did you mean gemma-4-12b?');
    const missing = await resolveModelSet({ model: './nowhere/model.gguf' }).catch((e) => e);
    expect(missing.code).toBe('MODEL_FILE_NOT_FOUND');
    expect(missing.message).toMatch(/No model file at .*nowhere\/model\.gguf/);
    const quant = await resolveModelSet({ model: 'gemma-4-12b:Q9_9' }).catch((e) => e);
    expect(quant.code).toBe('MODEL_UNKNOWN_QUANTIZATION');
    expect(quant.message).toMatch(/no quantisation "Q9_9"; available: Q4_0, Q4_K_M, Q8_0/);
  });

  it('resolves a preset offline only from the cache, with a hint where to put the file', async () => {
    const error = await resolveModelSet({ model: 'gemma-4-12b' }, { offline: true }).catch((e) => e);
    expect(ModelOfflineError.isInstance(error)).toBe(true);
    const expected = expectedCachePath('hf:unsloth/gemma-4-12B-it-qat-GGUF/gemma-4-12B-it-qat-Q4_0.gguf');
    expect(expected).toBe(join(home, 'models', 'hf_unsloth_gemma-4-12B-it-qat-Q4_0.gguf'));
    expect(error.message).toContain(`Copy the file to ${expected}`);
  });

  it('downloads a full set from hf: URIs on a Hugging Face-style endpoint, then finds it in the cache', async () => {
    const fixtures = await mkdtemp(join(tmpdir(), 'hearth-hf-'));
    const server = await new ModelFileServer().start();
    try {
      const repo = 'hearth/tiny-GGUF';
      await server.serve(
        `${repo}/resolve/main/tiny-F32.gguf`,
        await makeTestkitModel('tiny', { dir: fixtures }),
      );
      await server.serve(
        `${repo}/resolve/main/tiny-assistant-F32.gguf`,
        await makeTestkitModel('tiny-assistant', { dir: fixtures }),
      );
      await server.serve(
        `${repo}/resolve/main/mmproj-F32.gguf`,
        await makeTestkitModel('tiny-mmproj', { dir: fixtures }),
      );
      const spec = {
        model: `hf:${repo}/tiny-F32.gguf`,
        drafter: `hf:${repo}/tiny-assistant-F32.gguf`,
        mmproj: `hf:${repo}/mmproj-F32.gguf`,
      };
      const options = { download: { huggingFaceEndpoint: server.url } };
      const set = await resolveModelSet(spec, options);
      expect(set.target).toBe(join(home, 'models', 'hf_hearth_tiny-F32.gguf'));
      expect(set.mmproj).toBe(join(home, 'models', 'hf_hearth_tiny-GGUF_mmproj-F32.gguf'));
      for (const path of [set.target, set.drafter, set.mmproj])
        expect(path).toBe(
          expectedCachePath(
            path === set.target ? spec.model : path === set.drafter ? spec.drafter : spec.mmproj,
          ),
        );
      const served = await readFile(await makeTestkitModel('tiny', { dir: fixtures }));
      expect((await readFile(set.target)).equals(served)).toBe(true);
      const info = await validateModelSet(set);
      expect(info.capabilities).toMatchObject({ vision: true, audio: true, mtp: true });
      expect(server.requests.some((request) => request.path === `/${repo}/resolve/main/tiny-F32.gguf`)).toBe(
        true,
      );
      await server.stop();
      expect(await resolveModelSet(spec, { ...options, offline: true })).toEqual(set);
    } finally {
      await server.stop();
      await rm(fixtures, { recursive: true, force: true });
    }
  });

  it('resolves the hf:<user>/<repo>:<QUANT> form through the Hub manifest API', async () => {
    const fixtures = await mkdtemp(join(tmpdir(), 'hearth-hf-quant-'));
    const server = await new ModelFileServer().start();
    try {
      const manifest = { ggufFile: { rfilename: 'tiny-Q8_0.gguf' } };
      await server.serve('v2/acme/tiny-GGUF/manifests/Q8_0', Buffer.from(JSON.stringify(manifest)));
      await server.serve(
        'acme/tiny-GGUF/resolve/main/tiny-Q8_0.gguf',
        await makeTestkitModel('tiny', { dir: fixtures }),
      );
      const options = { download: { huggingFaceEndpoint: server.url } };
      const set = await resolveModelSet({ model: 'hf:acme/tiny-GGUF:Q8_0' }, options);
      expect(set.target).toBe(join(home, 'models', 'hf_acme_tiny.Q8_0.gguf'));
      expect(expectedCachePath('hf:acme/tiny-GGUF:Q8_0')).toBe(set.target);
      expect((await validateModelSet(set)).target.architecture).toBe('gemma4');
      await server.stop();
      expect(
        (await resolveModelSet({ model: 'hf:acme/tiny-GGUF:Q8_0' }, { ...options, offline: true })).target,
      ).toBe(set.target);
    } finally {
      await server.stop();
      await rm(fixtures, { recursive: true, force: true });
    }
  });

  it('downloads from a gated repo with HF_TOKEN, and says to set it when missing', async () => {
    const fixtures = await mkdtemp(join(tmpdir(), 'hearth-hf-gated-'));
    const server = await new ModelFileServer().start();
    const previousToken = process.env.HF_TOKEN;
    try {
      await server.serve(
        'acme/gated-GGUF/resolve/main/gated.gguf',
        await makeTestkitModel('tiny', { dir: fixtures }),
        {
          bearerToken: 'secret-token',
        },
      );
      const spec = { model: 'hf:acme/gated-GGUF/gated.gguf' };
      const options = { download: { huggingFaceEndpoint: server.url } };
      delete process.env.HF_TOKEN;
      const refused = await resolveModelSet(spec, options).catch((e) => e);
      expect(refused).toMatchObject({ failure: 'http-status', status: 401 });
      expect(refused.message).toMatch(/set HF_TOKEN/);
      process.env.HF_TOKEN = 'secret-token';
      const set = await resolveModelSet(spec, options);
      expect((await validateModelSet(set)).target.architecture).toBe('gemma4');
    } finally {
      if (previousToken === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = previousToken;
      await server.stop();
      await rm(fixtures, { recursive: true, force: true });
    }
  });

  it('pulls a download preset (target, drafter, mmproj) from the endpoint, with a quantisation choice', async () => {
    const fixtures = await mkdtemp(join(tmpdir(), 'hearth-preset-'));
    const server = await new ModelFileServer().start();
    try {
      // Stand-ins at the preset's real repository paths: the tiny family has the same roles and checks.
      const repo = 'unsloth/gemma-4-12B-it-qat-GGUF/resolve/main';
      await server.serve(
        `${repo}/gemma-4-12B-it-qat-Q8_0.gguf`,
        await makeTestkitModel('tiny', { dir: fixtures }),
      );
      await server.serve(
        `${repo}/gemma-4-12B-it-assistant-Q8_0.gguf`,
        await makeTestkitModel('tiny-assistant', { dir: fixtures }),
      );
      await server.serve(`${repo}/mmproj-F16.gguf`, await makeTestkitModel('tiny-mmproj', { dir: fixtures }));
      const set = await resolveModelSet(
        { model: 'gemma-4-12b:q8_0' },
        { download: { huggingFaceEndpoint: server.url } },
      );
      expect(set.name).toBe('gemma-4-12b');
      expect(set.target).toBe(
        expectedCachePath('hf:unsloth/gemma-4-12B-it-qat-GGUF/gemma-4-12B-it-qat-Q8_0.gguf'),
      );
      const info = await validateModelSet(set);
      expect(info.capabilities).toEqual({ vision: true, audio: true, mtp: true, moe: false });
      const missing = await resolveModelSet(
        { model: 'gemma-4-12b' },
        { download: { huggingFaceEndpoint: server.url } },
      ).catch((e) => e);
      expect(missing).toMatchObject({ failure: 'http-status', status: 404 });
      expect(missing.message).toContain('gemma-4-12B-it-qat-Q4_0.gguf');
    } finally {
      await server.stop();
      await rm(fixtures, { recursive: true, force: true });
    }
  });

  it('uses a hand-copied file at the path the offline hint gives', async () => {
    const uri = 'hf:example/copied-GGUF/copied-Q4_0.gguf';
    await mkdir(modelCacheDir(), { recursive: true });
    await copyFile(await makeTestkitModel('tiny'), expectedCachePath(uri));
    const set = await resolveModelSet({ model: uri }, { offline: true });
    expect(set.target).toBe(expectedCachePath(uri));
  });
});
