import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultMediaDir, isNonEmptyFile, temporarySibling } from './media-cache.js';
import { MissingSystemToolError } from './missing-system-tool-error.js';
import { SystemToolFailedError } from './system-tool-failed-error.js';

/** Options for {@link speak}. */
export interface SpeakOptions {
  /** Cache directory for the WAV file; default {@link defaultMediaDir}. */
  dir?: string;
  /** espeak-ng voice, e.g. `en-us` (default) or `en-gb`. */
  voice?: string;
  /** Speaking rate in words per minute (espeak-ng `-s`); default 165. */
  wordsPerMinute?: number;
}

/** Bump when the way speech is made changes, so cached files are not reused across the change. */
const SPEECH_RECIPE_VERSION = 1;

interface ToolSpec {
  command: string;
  debianPackage: string;
  purpose: string;
}

const ESPEAK: ToolSpec = {
  command: 'espeak-ng',
  debianPackage: 'espeak-ng',
  purpose: 'to synthesise speech',
};
const SOX: ToolSpec = {
  command: 'sox',
  debianPackage: 'sox',
  purpose: 'to convert speech to 16 kHz mono WAV',
};

/** Runs a system program, feeding `stdin`, and maps "not installed" and non-zero exits to typed errors. */
function runSystemTool(tool: ToolSpec, args: string[], stdin?: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tool.command, args, { stdio: ['pipe', 'ignore', 'pipe'], env: process.env });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-8000);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new MissingSystemToolError(tool.command, tool.debianPackage, tool.purpose, { cause: error })
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new SystemToolFailedError(tool.command, args, code, stderr));
    });
    // A missing program closes stdin at once; the 'error' event above reports that, not EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}

/**
 * Speaks `text` with espeak-ng and converts it with sox to a 16 kHz mono 16-bit PCM WAV, the audio format
 * Gemma 4 takes. Output is deterministic and cached by (text, voice, rate): a second call returns the
 * existing file. Returns the absolute path of the WAV.
 * @throws MissingSystemToolError when espeak-ng or sox is not installed.
 * @throws SystemToolFailedError when either program fails (e.g. an unknown voice).
 */
export async function speak(text: string, options: SpeakOptions = {}): Promise<string> {
  if (text.trim() === '') throw new TypeError('speak: text is empty; pass the words to be spoken');
  const voice = options.voice ?? 'en-us';
  const wordsPerMinute = options.wordsPerMinute ?? 165;
  if (!Number.isInteger(wordsPerMinute) || wordsPerMinute < 80 || wordsPerMinute > 450) {
    throw new RangeError(`speak: wordsPerMinute must be an integer from 80 to 450, got ${wordsPerMinute}`);
  }
  const dir = resolve(options.dir ?? defaultMediaDir());
  const key = createHash('sha256')
    .update(JSON.stringify({ version: SPEECH_RECIPE_VERSION, text, voice, wordsPerMinute }))
    .digest('hex')
    .slice(0, 16);
  const path = join(dir, `speech-${key}.wav`);
  if (await isNonEmptyFile(path)) return path;

  await mkdir(dir, { recursive: true });
  const spoken = temporarySibling(join(dir, `speech-${key}.espeak.wav`));
  const converted = temporarySibling(path);
  try {
    // Text goes in on stdin so that words starting with "-" are never read as options.
    await runSystemTool(ESPEAK, ['-v', voice, '-s', String(wordsPerMinute), '-w', spoken, '--stdin'], text);
    // -R: repeatable output (fixed seeds); -D: no dither, so silence stays exactly zero.
    await runSystemTool(SOX, [
      '-R',
      '-D',
      spoken,
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed',
      converted,
    ]);
    await rename(converted, path);
  } finally {
    await rm(spoken, { force: true });
    await rm(converted, { force: true });
  }
  return path;
}
