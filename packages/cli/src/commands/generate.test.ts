import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMediaFixtures } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';
import { runHearthInProcess } from './test-support/run-in-process.js';

interface GenerateJson {
  text: string;
  usage: { promptTokens: number; completionTokens: number };
  timings: { prefillTokensPerSecond: number; decodeTokensPerSecond: number };
  mtp: { drafted: number; accepted: number } | null;
}

const run = runHearthInProcess;

const generateJson = async (args: string[]) =>
  JSON.parse((await run(['generate', ...args, '--json'])).stdout) as GenerateJson;

describe('hearth generate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-cli-generate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes the same greedy text with MTP as without, with drafted tokens accepted', async () => {
    const common = [
      '--model',
      'cycle',
      '--drafter',
      'cycle-assistant',
      '--prompt',
      'abc',
      '--greedy',
      '--max-tokens',
      '48',
    ];
    const withMtp = await generateJson(common);
    const withoutMtp = await generateJson([...common, '--no-mtp']);
    expect(withMtp.text).toMatch(/^[a-z]{48}$/);
    expect(withMtp.text).toBe(withoutMtp.text);
    expect(withMtp.mtp?.accepted).toBeGreaterThan(0);
    expect(withMtp.mtp?.drafted).toBeGreaterThanOrEqual(withMtp.mtp?.accepted ?? 0);
    expect(withoutMtp.mtp).toBeNull();
    expect(withMtp.usage.completionTokens).toBe(48);
    expect(withMtp.timings.decodeTokensPerSecond).toBeGreaterThan(0);
  });

  it('counts image and audio tokens in promptTokens', async () => {
    const media = await makeMediaFixtures();
    const common = [
      '--model',
      'tiny',
      '--mmproj',
      'tiny-mmproj',
      '--prompt',
      'What is this?',
      '--greedy',
      '--max-tokens',
      '2',
    ];
    const textOnly = await generateJson(common);
    const withMedia = await generateJson([...common, '--image', media.patternPng, '--audio', media.toneWav]);
    // 160x120 image: 48 tokens; 1 s of audio: 25 tokens (plus their marker tokens).
    expect(withMedia.usage.promptTokens).toBeGreaterThanOrEqual(textOnly.usage.promptTokens + 48 + 25);
  });

  it('streams text to stdout and statistics to stderr', async () => {
    const { stdout, stderr } = await run([
      'generate',
      '--model',
      'cycle',
      '--prompt',
      'abc',
      '--greedy',
      '--max-tokens',
      '12',
    ]);
    expect(stdout).toBe('abcdefghijkl\n');
    expect(stderr).toMatch(
      /\[cycle: \d+ prompt tokens .* 12 generated at \d+ tok\/s, MTP \d+\/\d+ drafted tokens accepted/,
    );
  });

  it('exits 3 naming a file that is not GGUF, with no process killed by a signal', async () => {
    const notGguf = join(dir, 'readme.gguf');
    await writeFile(notGguf, '# not a model\n'.repeat(20));
    const result = await runHearth(['generate', '--model', notGguf, '--prompt', 'hi']);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(notGguf);
    expect(result.stderr).toMatch(/not a GGUF file/);
    expect(result.stdout).toBe('');
  });
});
