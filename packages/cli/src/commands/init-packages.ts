import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors/usage-error.js';

/** The packages a new project installs itself; the rest of Hearth comes in as their dependencies. */
export const projectHearthPackages = {
  dependencies: ['@hearth/cli', '@hearth/core'],
  devDependencies: ['@hearth/model', '@hearth/testkit'],
} as const;

/** Where a new project's Hearth packages come from (`from` says where, for messages). */
export type PackageSource =
  /** A Hearth checkout (its workspace packages, built) or an installation (installed package folders). */
  | { kind: 'folders'; from: string; folders: Map<string, string> }
  /** A folder of `npm pack` tarballs. */
  | { kind: 'tarballs'; from: string; tarballs: Map<string, string> }
  /** The npm registry, at this CLI's version. */
  | { kind: 'registry'; version: string };

interface PackageJson {
  name?: string;
  version?: string;
  private?: boolean;
  workspaces?: string[];
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** This CLI's own package folder (`dist/commands/` is two levels below it). */
export const cliPackageDir = fileURLToPath(new URL('../../', import.meta.url));

export function cliVersion(): string {
  return readPackageJson(cliPackageDir)?.version ?? '0.0.0';
}

/** The publishable packages of a Hearth checkout by name (its workspace globs `dir/*` and `dir`), or undefined when `root` is not one. */
export function checkoutPackages(root: string): Map<string, string> | undefined {
  const manifest = readPackageJson(root);
  if (!manifest?.workspaces || readPackageJson(join(root, 'packages/cli'))?.name !== '@hearth/cli')
    return undefined;
  const folders = new Map<string, string>();
  for (const pattern of manifest.workspaces) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(root, pattern.slice(0, -2), entry.name))
      : [join(root, pattern)];
    for (const dir of dirs) {
      const pkg = readPackageJson(dir);
      if (pkg?.name?.startsWith('@hearth/') && !pkg.private) folders.set(pkg.name, dir);
    }
  }
  return folders;
}

/** The folder npm installed `name` in, as Node would find it from `fromDir` (nearest node_modules up the tree). */
export function installedPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The installed @hearth/* packages this CLI runs with (its own folder and every @hearth dependency, transitively). */
function installationPackages(): Map<string, string> {
  const folders = new Map<string, string>([['@hearth/cli', cliPackageDir]]);
  const queue = [cliPackageDir];
  for (let dir = queue.shift(); dir; dir = queue.shift()) {
    const pkg = readPackageJson(dir);
    for (const name of Object.keys({ ...pkg?.dependencies, ...pkg?.peerDependencies })) {
      if (!name.startsWith('@hearth/') || folders.has(name)) continue;
      const found = installedPackageDir(name, dir);
      if (!found) continue;
      folders.set(name, found);
      queue.push(found);
    }
  }
  return folders;
}

/** `hearth-http-guard-0.1.0.tgz` -> `@hearth/http-guard` (npm pack's file name for a scoped package). */
function packageNameOfTarball(file: string): string | undefined {
  const match = /^hearth-(.+?)-\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?\.tgz$/.exec(file);
  return match ? `@hearth/${match[1]}` : undefined;
}

function requireProjectPackages(found: Map<string, string>, where: string): void {
  const missing = [...projectHearthPackages.dependencies, ...projectHearthPackages.devDependencies].filter(
    (name) => !found.has(name),
  );
  if (missing.length > 0) throw new UsageError(`${where} has no ${missing.join(', ')}`);
}

/**
 * Where to take Hearth from: `--from PATH` (a checkout or a folder of tarballs), the registry when
 * asked, else the packages this CLI itself runs from (its checkout, or its installation).
 * @throws UsageError for a PATH that is neither, or that lacks a package a project needs.
 */
export function packageSource(options: { from?: string; registry?: boolean }): PackageSource {
  if (options.from && options.registry) throw new UsageError('give --from PATH or --registry, not both');
  if (options.registry) return { kind: 'registry', version: cliVersion() };
  if (options.from) {
    const from = resolve(options.from);
    if (!existsSync(from) || !statSync(from).isDirectory())
      throw new UsageError(
        `--from ${options.from}: no such folder (give a Hearth checkout or a folder of .tgz files)`,
      );
    const checkout = checkoutPackages(from);
    if (checkout) {
      requireProjectPackages(checkout, `the checkout at ${from}`);
      return { kind: 'folders', from: `the checkout at ${from}`, folders: checkout };
    }
    const tarballs = new Map<string, string>();
    for (const file of readdirSync(from)) {
      const name = packageNameOfTarball(file);
      if (name) tarballs.set(name, join(from, file));
    }
    if (tarballs.size === 0)
      throw new UsageError(
        `--from ${options.from} is neither a Hearth checkout (a package.json with workspaces and packages/cli) nor a folder of Hearth tarballs (hearth-*.tgz from npm pack)`,
      );
    requireProjectPackages(tarballs, `the tarball folder ${from}`);
    return { kind: 'tarballs', from: `the tarball folder ${from}`, tarballs };
  }
  const checkoutRoot = resolve(cliPackageDir, '../..');
  const checkout = checkoutPackages(checkoutRoot);
  if (checkout) return { kind: 'folders', from: `the checkout at ${checkoutRoot}`, folders: checkout };
  const installed = installationPackages();
  requireProjectPackages(installed, `this hearth's installation (${cliPackageDir})`);
  return {
    kind: 'folders',
    from: `this hearth's installation (${dirname(cliPackageDir)})`,
    folders: installed,
  };
}

/** Runs a command to its end and resolves with its stdout; rejects with its exit code and stderr. */
export function runCapturing(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(stdout)
        : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${stderr.trim()}`)),
    );
  });
}

/**
 * Puts the source's packages into `dest` as tarballs (packing folders with `npm pack`, copying
 * tarballs), and returns each package's tarball file name. Only the packages a project needs travel:
 * the project's own and their @hearth dependencies.
 * @throws UsageError for a checkout package that is not built (its `dist` is missing).
 */
export async function bundleHearthPackages(
  source: Exclude<PackageSource, { kind: 'registry' }>,
  dest: string,
): Promise<Map<string, string>> {
  const bundled = new Map<string, string>();
  if (source.kind === 'tarballs') {
    mkdirSync(dest, { recursive: true });
    for (const [name, file] of source.tarballs) {
      copyFileSync(file, join(dest, basename(file)));
      bundled.set(name, basename(file));
    }
    return bundled;
  }
  const needed = neededFolders(source.folders, source.from);
  const unbuilt = [...needed.values()].filter(
    (dir) => readPackageJson(dir)?.files?.includes('dist') && !existsSync(join(dir, 'dist')),
  );
  if (unbuilt.length > 0)
    throw new UsageError(
      `${unbuilt.join(', ')} ${unbuilt.length === 1 ? 'is' : 'are'} not built (no dist/): run \`npm run build\` in the checkout first`,
    );
  mkdirSync(dest, { recursive: true });
  // Scripts stay off: a checkout's `prepack` would rebuild, and an installed package is already built.
  const packed = JSON.parse(
    await runCapturing(
      'npm',
      ['pack', ...needed.values(), '--ignore-scripts', '--pack-destination', dest, '--json'],
      dest,
    ),
  ) as Array<{ name: string; filename: string }>;
  for (const { name, filename } of packed) bundled.set(name, filename);
  return bundled;
}

/** The project's packages and every @hearth package they depend on, from `folders`. */
function neededFolders(folders: Map<string, string>, from: string): Map<string, string> {
  const needed = new Map<string, string>();
  const queue: string[] = [...projectHearthPackages.dependencies, ...projectHearthPackages.devDependencies];
  for (let name = queue.shift(); name; name = queue.shift()) {
    if (needed.has(name)) continue;
    const dir = folders.get(name);
    // Nothing is published: a dependency missing here would send npm to the registry, and fail there.
    if (!dir) throw new UsageError(`${name} is needed by the project but missing from ${from}`);
    needed.set(name, dir);
    const pkg = readPackageJson(dir);
    queue.push(
      ...Object.keys({ ...pkg?.dependencies, ...pkg?.peerDependencies }).filter((dep) =>
        dep.startsWith('@hearth/'),
      ),
    );
  }
  return needed;
}
