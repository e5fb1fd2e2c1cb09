import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng, encodeWav } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

// Issue 10, items 4 and 5 from the command line: hostile media given to --image/--audio are refused
// with exit 2 and a message naming the file and what is wrong, before any model loads.
const workflow = fileURLToPath(new URL('./test-support/approval-workflow.ts', import.meta.url));
let dir: string;
let home: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-cli-media-'));
  home = await mkdtemp(join(tmpdir(), 'hearth-cli-media-home-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

const hearth = (args: string[]) => runHearth(args, { home });

describe('hearth refuses hostile --image/--audio files', () => {
  it('generate --audio: a WAV header claiming 1 Hz exits 2 at once, naming the file and the rate', async () => {
    const wav = encodeWav({ sampleRate: 16000, samples: new Float32Array(32000) });
    wav.writeUInt32LE(1, 24);
    wav.writeUInt32LE(2, 28);
    const file = join(dir, 'one-hertz.wav');
    await writeFile(file, wav);
    const result = await hearth([
      'generate',
      '--model',
      'tiny',
      '--mmproj',
      'tiny-mmproj',
      '--audio',
      file,
      '--prompt',
      'hi',
    ]);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/WAV sample rate is 1 Hz; 8000-48000 Hz is accepted/);
  });

  it('generate --image: a truncated PNG exits 2 naming the file', async () => {
    const png = encodePng({ width: 64, height: 64, rgba: new Uint8Array(64 * 64 * 4).fill(90) });
    const file = join(dir, 'cut.png');
    await writeFile(file, png.subarray(0, png.length - 30));
    const result = await hearth([
      'generate',
      '--model',
      'tiny',
      '--mmproj',
      'tiny-mmproj',
      '--image',
      file,
      '--prompt',
      'hi',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/PNG is truncated/);
  });

  it('run --image: garbage after a PNG header exits 2 before the run starts', async () => {
    const png = encodePng({ width: 8, height: 8, rgba: new Uint8Array(8 * 8 * 4).fill(1) });
    const file = join(dir, 'garbage.png');
    await writeFile(file, Buffer.concat([png.subarray(0, 33), Buffer.alloc(500, 0x41)]));
    const result = await hearth(['run', workflow, '--image', file, '--thread', 'media-refusal']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/PNG chunk at byte 33 has an invalid type|PNG is truncated/);
  });
});

describe('hearth run refuses --image/--audio for a target that takes no attachments', () => {
  const countedWorkflow = fileURLToPath(new URL('./test-support/counted-workflow.ts', import.meta.url));
  const bareAgent = fileURLToPath(new URL('./test-support/bare-agent.ts', import.meta.url));

  it('a workflow whose input has no attachments field: exit 2 naming the file, and nothing runs', async () => {
    const png = join(dir, 'fine.png');
    await writeFile(png, encodePng({ width: 8, height: 8, rgba: new Uint8Array(8 * 8 * 4).fill(7) }));
    const wav = join(dir, 'fine.wav');
    await writeFile(wav, encodeWav({ sampleRate: 16000, samples: new Float32Array(1600) }));
    for (const flags of [
      ['--image', png],
      ['--audio', wav],
    ]) {
      const workdir = await mkdtemp(join(dir, 'workdir-'));
      const result = await hearth(['run', countedWorkflow, ...flags, '--workdir', workdir]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`${flags[0]} ${flags[1]}`);
      expect(result.stderr).toMatch(/workflow "counted" takes no attachments/);
      expect(result.stdout).not.toMatch(/thread/);
      expect(existsSync(join(workdir, 'counter.txt'))).toBe(false);
    }
  });

  it('an agent takes them: the same image passes the check and the run goes on to load the model', async () => {
    const png = join(dir, 'agent.png');
    await writeFile(png, encodePng({ width: 8, height: 8, rgba: new Uint8Array(8 * 8 * 4).fill(7) }));
    const notGguf = join(dir, 'notes.txt');
    await writeFile(notGguf, 'not a model\n');
    const result = await hearth(['run', bareAgent, '--image', png, '--model', notGguf]);
    // Past the attachment check, the text file given as the model is the failure: exit 3, naming it.
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(notGguf);
    expect(result.stderr).not.toMatch(/attachments/);
  });

  it('an unknown preset is bad usage: exit 2 with the closest preset', async () => {
    const result = await hearth(['run', bareAgent, '--model', 'tinny']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/Unknown model "tinny".*Did you mean tiny\?/);
  });
});
