import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { hearthHome } from '@hearth/engine';
import { cpuFeatures } from './cpu-features.js';

/**
 * The llama.cpp source Hearth builds: the git bundle node-llama-cpp ships (the exact tree its own
 * binaries were built from), so the native engine needs no network and changes only when that
 * dependency does.
 */
export function llamaCppBundlePath(): string {
  const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const bundle = join(dir, 'llama', 'gitRelease.bundle');
    if (existsSync(join(dir, 'package.json')) && existsSync(bundle)) return bundle;
  }
  throw new Error(`node-llama-cpp (resolved at ${entry}) ships no llama/gitRelease.bundle`);
}

/** The GPU toolkits found on this machine, each turning on one llama.cpp backend. */
export interface NativeBackends {
  cuda: boolean;
  vulkan: boolean;
  /** Apple Silicon: llama.cpp turns Metal on by itself on macOS. */
  metal: boolean;
}

const CUDA_COMPILERS = ['/usr/local/cuda/bin/nvcc', '/opt/cuda/bin/nvcc'];

/**
 * Looks for CUDA (the compiler and an NVIDIA driver: a toolkit on a machine without a GPU would only
 * add a long compile), the Vulkan headers and shader compiler, and macOS (Metal).
 */
export function detectBackends(onPath: (tool: string) => boolean): NativeBackends {
  const nvidiaDriver = existsSync('/proc/driver/nvidia/version') || existsSync('/dev/nvidia0');
  return {
    cuda: nvidiaDriver && (onPath('nvcc') || CUDA_COMPILERS.some((path) => existsSync(path))),
    vulkan: onPath('glslc') && existsSync('/usr/include/vulkan/vulkan.h'),
    metal: process.platform === 'darwin',
  };
}

/** The cmake flags of a build for this machine: its own CPU instruction set, plus GPU backends found. */
export function cmakeFlags(backends: NativeBackends): string[] {
  return [
    '-G',
    'Ninja',
    '-DCMAKE_BUILD_TYPE=Release',
    '-DGGML_NATIVE=ON',
    '-DLLAMA_CURL=OFF',
    // Self-contained binaries: the install is two files that can be moved as they are.
    '-DBUILD_SHARED_LIBS=OFF',
    '-DLLAMA_BUILD_TESTS=OFF',
    '-DLLAMA_BUILD_EXAMPLES=OFF',
    '-DLLAMA_BUILD_SERVER=ON',
    ...(backends.cuda ? ['-DGGML_CUDA=ON'] : []),
    ...(backends.vulkan ? ['-DGGML_VULKAN=ON'] : []),
  ];
}

/** Where native builds live: `$HEARTH_HOME/engines/llama.cpp/<key>`. */
export function nativeBuildsDir(): string {
  return join(hearthHome(), 'engines', 'llama.cpp');
}

const bundleHashes = new Map<string, Promise<string>>();

function hashFile(path: string): Promise<string> {
  let hash = bundleHashes.get(path);
  if (!hash) {
    hash = new Promise<string>((resolve, reject) => {
      const digest = createHash('sha256');
      createReadStream(path)
        .on('data', (chunk) => digest.update(chunk))
        .on('end', () => resolve(digest.digest('hex')))
        .on('error', reject);
    });
    bundleHashes.set(path, hash);
  }
  return hash;
}

/**
 * The cache key of a build: the llama.cpp source (a hash of the bundle, so a new node-llama-cpp
 * means a new build), the cmake flags, and the CPU's instruction-set flags (a `GGML_NATIVE` binary
 * may use instructions another CPU lacks, so a home directory carried to another machine rebuilds).
 */
export async function nativeBuildKey(bundle: string, flags: readonly string[]): Promise<string> {
  const digest = createHash('sha256');
  digest.update(await hashFile(bundle));
  digest.update(`\n${flags.join(' ')}\n${process.platform}-${process.arch}\n`);
  digest.update([...cpuFeatures().flags].sort().join(' '));
  return digest.digest('hex').slice(0, 16);
}

/** What `build.json` in an installed build says about it. */
export interface NativeBuildManifest {
  key: string;
  /** llama.cpp commit of the bundle. */
  commit: string;
  flags: string[];
  backends: NativeBackends;
  builtAt: string;
  buildSeconds: number;
}

/** An installed native build. */
export interface NativeBuild extends NativeBuildManifest {
  directory: string;
  /** `llama-server`: the model host process of the native engine. */
  server: string;
  /** `llama-bench`: llama.cpp's own benchmark, built from the same source (for `npm run bench`). */
  bench: string;
}

/** Reads an installed build from its directory; `undefined` when it is missing or incomplete. */
export function readNativeBuild(directory: string): NativeBuild | undefined {
  const server = join(directory, 'bin', 'llama-server');
  const bench = join(directory, 'bin', 'llama-bench');
  const manifestPath = join(directory, 'build.json');
  if (!existsSync(server) || !existsSync(bench) || !existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as NativeBuildManifest;
  return { ...manifest, directory, server, bench };
}
