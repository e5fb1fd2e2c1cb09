import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { EngineBuildError } from '../errors/engine-build-error.js';
import {
  cmakeFlags,
  detectBackends,
  llamaCppBundlePath,
  type NativeBuild,
  type NativeBuildManifest,
  nativeBuildKey,
  nativeBuildsDir,
  readNativeBuild,
} from './llama-cpp-source.js';

/** The one line that tells people on Debian/Ubuntu how to get every build tool. */
export const BUILD_TOOLS_INSTALL_HINT = 'apt-get install cmake g++ ninja-build git';

/** A step of the build, as it progresses. */
export type NativeBuildProgress =
  | { step: 'clone' | 'configure' | 'install'; message: string }
  /** One ninja step: `done` of `total` compile/link steps. */
  | { step: 'compile'; done: number; total: number; message: string };

export interface BuildNativeEngineOptions {
  /** Build even when a build with the same key is installed. */
  force?: boolean;
  /** Parallel compile jobs; default: ninja's own choice (cores + 2). */
  jobs?: number;
  onProgress?: (progress: NativeBuildProgress) => void;
  signal?: AbortSignal;
}

/** Whether an executable of this name is in a `PATH` directory. */
export function commandOnPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

/** The build tools that are present and missing, by the name people install them under. */
export function checkBuildTools(): { present: string[]; missing: string[] } {
  const tools: Array<[string, boolean]> = [
    ['git', commandOnPath('git')],
    ['cmake', commandOnPath('cmake')],
    ['a C++ compiler (g++ or clang++)', ['c++', 'g++', 'clang++'].some(commandOnPath)],
    ['ninja', commandOnPath('ninja') || commandOnPath('ninja-build')],
  ];
  return {
    present: tools.filter(([, found]) => found).map(([name]) => name),
    missing: tools.filter(([, found]) => !found).map(([name]) => name),
  };
}

/** The build flags and key for this machine and the installed llama.cpp source. */
export async function nativeBuildPlan(): Promise<{
  bundle: string;
  flags: string[];
  key: string;
  directory: string;
}> {
  const bundle = llamaCppBundlePath();
  const flags = cmakeFlags(detectBackends(commandOnPath));
  const key = await nativeBuildKey(bundle, flags);
  return { bundle, flags, key, directory: join(nativeBuildsDir(), key) };
}

/**
 * The native build for this machine and this llama.cpp source, if `hearth engine build` made one;
 * `undefined` otherwise (including when node-llama-cpp's source changed since).
 */
export async function findNativeBuild(): Promise<NativeBuild | undefined> {
  const { directory } = await nativeBuildPlan();
  return readNativeBuild(directory);
}

/**
 * Builds llama.cpp's `llama-server` and `llama-bench` for this machine from the source node-llama-cpp
 * ships: the CPU's own instruction set (`GGML_NATIVE`), plus CUDA or Vulkan when their toolkits are
 * installed (Metal on macOS). The result is cached under `$HEARTH_HOME/engines/llama.cpp/<key>`;
 * with the same key installed it returns at once. The build runs in a temporary directory beside the
 * cache and is renamed into place when complete, so an interrupted build leaves nothing half-made.
 * About 4 minutes on 2 cores.
 *
 * @throws EngineBuildError `ENGINE_BUILD_TOOLS` before starting when git, cmake, a C++ compiler or
 * ninja is missing; `ENGINE_BUILD_FAILED` naming the failed step with the end of its output.
 */
export async function buildNativeEngine(options: BuildNativeEngineOptions = {}): Promise<NativeBuild> {
  const plan = await nativeBuildPlan();
  const installed = readNativeBuild(plan.directory);
  if (installed && !options.force) return installed;

  const { missing } = checkBuildTools();
  if (missing.length > 0) {
    throw new EngineBuildError(
      'ENGINE_BUILD_TOOLS',
      `Building the native engine needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not ` +
        `on PATH. Install the build tools (Debian/Ubuntu: ${BUILD_TOOLS_INSTALL_HINT}; macOS: ` +
        'xcode-select --install && brew install cmake ninja) and run it again.',
      { missingTools: missing },
    );
  }

  const report = options.onProgress ?? (() => {});
  const started = Date.now();
  await removeAbandonedBuilds();
  const work = join(nativeBuildsDir(), `.building-${plan.key}-${process.pid}`);
  await mkdir(work, { recursive: true });
  try {
    const source = join(work, 'src');
    const build = join(work, 'build');
    report({ step: 'clone', message: `cloning llama.cpp from ${plan.bundle}` });
    await runStep('clone', 'git', ['clone', '--quiet', plan.bundle, source], work, options.signal);
    const commit = (
      await runStep('clone', 'git', ['rev-parse', '--short', 'HEAD'], source, options.signal)
    ).trim();

    report({ step: 'configure', message: `cmake ${plan.flags.join(' ')}` });
    await runStep('configure', 'cmake', ['-S', source, '-B', build, ...plan.flags], work, options.signal);

    const jobs = options.jobs ? ['-j', String(options.jobs)] : [];
    await runStep(
      'compile',
      'cmake',
      ['--build', build, '--target', 'llama-server', 'llama-bench', ...jobs],
      work,
      options.signal,
      (line) => {
        const match = /^\[(\d+)\/(\d+)\]\s*(.*)$/.exec(line);
        if (match) {
          report({
            step: 'compile',
            done: Number(match[1]),
            total: Number(match[2]),
            message: match[3] ?? '',
          });
        }
      },
    );

    report({ step: 'install', message: `installing into ${plan.directory}` });
    const install = join(work, 'install');
    await mkdir(join(install, 'bin'), { recursive: true });
    for (const binary of ['llama-server', 'llama-bench']) {
      await copyFile(join(build, 'bin', binary), join(install, 'bin', binary));
    }
    const manifest: NativeBuildManifest = {
      key: plan.key,
      commit,
      flags: plan.flags,
      backends: detectBackends(commandOnPath),
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    };
    await writeFile(join(install, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // A forced rebuild replaces the old one; otherwise another process may have finished the same
    // build meanwhile, and its result is as good as this one.
    if (options.force) await rm(plan.directory, { recursive: true, force: true });
    if (!existsSync(plan.directory)) await rename(install, plan.directory);
    const result = readNativeBuild(plan.directory);
    if (!result)
      throw new EngineBuildError('ENGINE_BUILD_FAILED', `the build in ${plan.directory} is incomplete`);
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Deletes the work directories of builds whose process is gone (interrupted with Ctrl-C, killed). */
async function removeAbandonedBuilds(): Promise<void> {
  let names: string[];
  try {
    names = await readdir(nativeBuildsDir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^\.building-[0-9a-f]+-(\d+)$/.exec(name)?.[1]);
    if (!pid || processAlive(pid)) continue;
    await rm(join(nativeBuildsDir(), name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs one build step; its output is kept for the error, and lines go to `onLine` as they come. */
function runStep(
  step: NativeBuildProgress['step'],
  command: string,
  args: string[],
  cwd: string,
  signal: AbortSignal | undefined,
  onLine?: (line: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let output = '';
    let partial = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-64 * 1024);
      if (!onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) =>
      reject(
        new EngineBuildError('ENGINE_BUILD_FAILED', `${step} failed: ${error.message}`, { cause: error }),
      ),
    );
    child.on('close', (code, killedBy) => {
      if (code === 0) {
        resolve(output);
        return;
      }
      const tail = output.trim().split('\n').slice(-25).join('\n');
      reject(
        new EngineBuildError(
          'ENGINE_BUILD_FAILED',
          `The native engine build failed at the ${step} step (${command} ${killedBy ? `killed by ${killedBy}` : `exited with ${code}`}).\n${tail}`,
        ),
      );
    });
  });
}
