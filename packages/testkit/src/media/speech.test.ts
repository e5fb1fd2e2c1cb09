import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingSystemToolError } from './missing-system-tool-error.js';
import { speak } from './speech.js';
import { SystemToolFailedError } from './system-tool-failed-error.js';
import { rms } from './test-support/audio-measures.js';
import { decodeWav } from './wav.js';

const TRANSCRIPT = 'The login button does nothing when I click it.';
const scratch = mkdtempSync(join(tmpdir(), 'hearth-speech-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function soxInfo(flag: string, path: string): string {
  return execFileSync('sox', ['--i', flag, path], { encoding: 'utf8' }).trim();
}

/** Runs `fn` with PATH set to a fresh directory holding only links to the named programs. */
async function withOnlyOnPath<T>(programs: string[], fn: () => Promise<T>): Promise<T> {
  const bin = mkdtempSync(join(scratch, 'bin-'));
  for (const program of programs) symlinkSync(`/usr/bin/${program}`, join(bin, program));
  const saved = process.env.PATH;
  process.env.PATH = bin;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('speak', () => {
  it('makes 16 kHz mono 16-bit speech of plausible length and loudness', async () => {
    const dir = join(scratch, 'a');
    const path = await speak(TRANSCRIPT, { dir });
    expect(isAbsolute(path)).toBe(true);
    const wav = decodeWav(readFileSync(path));
    expect(wav.sampleRate).toBe(16_000);
    expect(wav.channels).toBe(1);
    // Between 2 and 6 words per second, plus a little leading/trailing silence.
    const words = TRANSCRIPT.split(/\s+/).length;
    expect(wav.durationSeconds).toBeGreaterThan(words / 6);
    expect(wav.durationSeconds).toBeLessThan(words / 2 + 1);
    expect(rms(wav.samples)).toBeGreaterThan(0.02);

    // sox reads the same format and length as our decoder.
    expect(soxInfo('-r', path)).toBe('16000');
    expect(soxInfo('-c', path)).toBe('1');
    expect(soxInfo('-b', path)).toBe('16');
    expect(Number(soxInfo('-s', path))).toBe(wav.samples.length);
    expect(Number(soxInfo('-D', path))).toBeCloseTo(wav.durationSeconds, 3);
  });

  it('is deterministic and cached by text, voice and rate', async () => {
    const first = await speak(TRANSCRIPT, { dir: join(scratch, 'a') });
    const mtime = statSync(first).mtimeMs;
    const again = await speak(TRANSCRIPT, { dir: join(scratch, 'a') });
    expect(again).toBe(first);
    expect(statSync(again).mtimeMs).toBe(mtime);

    const elsewhere = await speak(TRANSCRIPT, { dir: join(scratch, 'b') });
    expect(readFileSync(elsewhere).equals(readFileSync(first))).toBe(true);

    const slower = await speak(TRANSCRIPT, { dir: join(scratch, 'a'), wordsPerMinute: 120 });
    expect(slower).not.toBe(first);
    expect(decodeWav(readFileSync(slower)).durationSeconds).toBeGreaterThan(
      decodeWav(readFileSync(first)).durationSeconds,
    );
    // No temporary files are left behind.
    expect(readdirSync(join(scratch, 'a')).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('says which package to install when espeak-ng is missing', async () => {
    const dir = join(scratch, 'no-espeak');
    const error = await withOnlyOnPath(['sox'], () => speak(TRANSCRIPT, { dir })).catch((e: unknown) => e);
    expect(MissingSystemToolError.isInstance(error)).toBe(true);
    const missing = error as MissingSystemToolError;
    expect(missing.tool).toBe('espeak-ng');
    expect(missing.message).toMatch(/espeak-ng was not found \(needed to synthesise speech\)/);
    expect(missing.message).toContain('apt-get install -y espeak-ng');
    expect(missing.message).toContain('scripts/install-system-deps.sh');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says which package to install when sox is missing', async () => {
    const dir = join(scratch, 'no-sox');
    const error = await withOnlyOnPath(['espeak-ng'], () => speak(TRANSCRIPT, { dir })).catch(
      (e: unknown) => e,
    );
    expect(MissingSystemToolError.isInstance(error)).toBe(true);
    expect((error as MissingSystemToolError).tool).toBe('sox');
    expect((error as Error).message).toContain('apt-get install -y sox');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a failing espeak-ng with its stderr, and refuses empty text', async () => {
    const error = await speak('hello', { dir: join(scratch, 'c'), voice: 'nosuchvoice' }).catch(
      (e: unknown) => e,
    );
    expect(SystemToolFailedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/espeak-ng exited with status 1[\s\S]*voice does not exist/);
    await expect(speak('   ', { dir: join(scratch, 'c') })).rejects.toThrow(/text is empty/);
  });
});
