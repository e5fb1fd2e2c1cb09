import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HearthError } from '@hearth/engine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runHearthInProcess } from './commands/test-support/run-in-process.js';
import { ExitCode, exitCodeByErrorCode, exitCodeFor } from './output.js';

/** Every error class the packages export, found by walking their public exports. */
async function hearthErrorClasses(): Promise<Map<string, readonly string[]>> {
  const modules = await Promise.all([
    import('@hearth/engine'),
    import('@hearth/gguf'),
    import('@hearth/chromium'),
    import('@hearth/model'),
    import('@hearth/core'),
    import('@hearth/mcp'),
    import('@hearth/tools'),
    import('@hearth/testkit'),
    import('@hearth/evals'),
    import('@hearth/queue'),
    import('./errors/usage-error.js'),
    import('./errors/run-not-found-error.js'),
    import('./errors/run-not-cancellable-error.js'),
    import('./errors/run-cancelled-error.js'),
    import('./errors/queued-eval-case-error.js'),
  ]);
  const classes = new Map<string, readonly string[]>();
  for (const module of modules)
    for (const value of Object.values(module))
      if (typeof value === 'function' && value.prototype instanceof HearthError)
        classes.set(value.name, (value as unknown as { codes?: readonly string[] }).codes ?? []);
  return classes;
}

describe('the exit code table', () => {
  it('maps every code a Hearth error class declares, and nothing else', async () => {
    const classes = await hearthErrorClasses();
    // The packages hold over thirty error classes; finding few means the walk above broke.
    expect(classes.size).toBeGreaterThan(30);
    for (const [name, codes] of classes) expect(codes.length, `${name} declares no codes`).toBeGreaterThan(0);
    const declared = new Set([...classes.values()].flat());
    const documented = new Set<number>(Object.values(ExitCode));
    for (const code of declared) {
      expect(exitCodeByErrorCode[code], `${code} has no exit code in output.ts`).toBeDefined();
      expect(documented.has(exitCodeByErrorCode[code] as number)).toBe(true);
    }
    expect(Object.keys(exitCodeByErrorCode).filter((code) => !declared.has(code))).toEqual([]);
  });

  it('reads the code of an error from another copy of Hearth, and gives unknown errors 1', () => {
    const fromAnotherCopy = new (class GgufValidationError extends HearthError {})('GGUF_INVALID', 'x');
    expect(exitCodeFor(fromAnotherCopy)).toBe(ExitCode.model);
    expect(exitCodeFor(new HearthError('SOMETHING_NEW', 'x'))).toBe(ExitCode.failure);
    expect(exitCodeFor(new Error('plain'))).toBe(ExitCode.failure);
  });
});

describe('model errors exit the same way in every command', () => {
  let dir: string;
  let textFile: string;
  const bareAgent = new URL('./commands/test-support/bare-agent.ts', import.meta.url).pathname;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-exit-codes-'));
    vi.stubEnv('HEARTH_HOME', dir);
    vi.stubEnv('HEARTH_OFFLINE', '1');
    textFile = join(dir, 'notes.txt');
    await writeFile(textFile, '# shopping list\n'.repeat(20));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `hearth <args>` in this process and returns the exit code and message of its failure. */
  async function failure(args: string[]): Promise<{ exitCode: number; message: string }> {
    const error = await runHearthInProcess(args).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error, `hearth ${args.join(' ')} did not fail`).toBeInstanceOf(Error);
    return { exitCode: exitCodeFor(error), message: (error as Error).message };
  }

  // Built inside each test: `dir` exists only once beforeAll has run.
  const commands: Record<string, (model: string) => string[]> = {
    run: (model) => ['run', bareAgent, '--model', model, '--workdir', dir],
    generate: (model) => ['generate', '--model', model, '--prompt', 'hi'],
    'models info': (model) => ['models', 'info', model],
    serve: (model) => ['serve', '--model', model, '--port', '0'],
  };

  it.each(Object.entries(commands))('%s: a text file as --model exits 3', async (_, args) => {
    const result = await failure(args(textFile));
    expect(result.exitCode, result.message).toBe(ExitCode.model);
    expect(result.message).toContain(textFile);
  });

  it.each(Object.entries(commands))(
    '%s: an unknown preset exits 2 and suggests the closest',
    async (_, args) => {
      const result = await failure(args('tinyy'));
      expect(result.exitCode, result.message).toBe(ExitCode.usage);
      expect(result.message).toMatch(/Unknown model "tinyy".*Did you mean tiny\?/);
    },
  );

  it('run: a .gguf path with no file exits 2 (bad input), not 3', async () => {
    const result = await failure(['run', bareAgent, '--model', join(dir, 'missing.gguf'), '--workdir', dir]);
    expect(result.exitCode, result.message).toBe(ExitCode.usage);
    expect(result.message).toMatch(/No model file at .*missing\.gguf/);
  });
});
