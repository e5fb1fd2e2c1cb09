import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import {
  bundleHearthPackages,
  cliPackageDir,
  type PackageSource,
  packageSource,
  projectHearthPackages,
  runCapturing,
} from './init-packages.js';

interface InitOptions {
  from?: string;
  registry?: boolean;
  force?: boolean;
  install: boolean;
}

/** The template's files, copied as they are (`gitignore` becomes `.gitignore`: npm pack drops dotfiles named so). */
const templateDir = join(cliPackageDir, 'templates', 'project');

/** Dev tools the template's scripts use, at the versions Hearth itself is built and tested with. */
const devTools = { '@types/node': '20.19.43', typescript: '5.9.3', vitest: '4.1.12' };
/** Native packages whose install scripts a project needs (better-sqlite3: checkpoints; llama.node: the model). */
const allowScripts = { esbuild: true, 'better-sqlite3': true, '@fugood/llama.node': true };

function progress(line: string): void {
  process.stderr.write(`hearth init: ${line}\n`);
}

/** A package name npm accepts, from the folder's name. */
function packageNameFor(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name || 'hearth-project';
}

/** A new folder, an empty one, or (with --force) any folder. */
function prepareDirectory(dir: string, force: boolean | undefined): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    return;
  }
  if (!statSync(dir).isDirectory())
    throw new UsageError(`${dir} is a file, not a folder: give a folder for the project`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !force)
    throw new UsageError(
      `${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): give a new or empty folder, or --force to write the project's files into it (files of the same name are replaced)`,
    );
}

/** `file:` specs for bundled tarballs, or version ranges for the registry. */
function hearthSpecs(source: PackageSource, bundled: Map<string, string>): Map<string, string> {
  if (source.kind === 'registry') {
    const names = [...projectHearthPackages.dependencies, ...projectHearthPackages.devDependencies];
    return new Map(names.map((name) => [name, `^${source.version}`]));
  }
  return new Map([...bundled].map(([name, file]) => [name, `file:.hearth/packages/${file}`]));
}

function packageJson(name: string, specs: Map<string, string>): Record<string, unknown> {
  const pick = (names: readonly string[]) =>
    Object.fromEntries(names.map((dep) => [dep, specs.get(dep) as string]));
  // Overrides pin every @hearth package (also those other @hearth packages depend on) to its
  // tarball: nothing is published, so npm must never look for them in the registry.
  const overrides = [...specs.values()].some((spec) => spec.startsWith('file:'))
    ? { overrides: Object.fromEntries(specs) }
    : {};
  return {
    name,
    version: '0.1.0',
    private: true,
    // ES modules even inside a CommonJS parent folder: agents and workflows use top-level imports and await.
    type: 'module',
    engines: { node: '>=20.18' },
    scripts: {
      dev: 'hearth run greeting',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
      mcp: 'hearth mcp serve',
    },
    dependencies: { ...pick(projectHearthPackages.dependencies), zod: '4.6.7' },
    devDependencies: { ...pick(projectHearthPackages.devDependencies), ...devTools },
    ...overrides,
    allowScripts,
  };
}

/** Copies the template (README with the project's name) and writes package.json. */
function writeProject(dir: string, name: string, specs: Map<string, string>): void {
  cpSync(templateDir, dir, { recursive: true });
  renameSync(join(dir, 'gitignore'), join(dir, '.gitignore'));
  const readme = join(dir, 'README.md');
  writeFileSync(readme, readFileSync(readme, 'utf8').replaceAll('{{name}}', name));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(packageJson(name, specs), null, 2)}\n`);
}

/** `hearth init [dir]`. */
export function registerInitCommand(program: Command): void {
  program
    .command('init [dir]')
    .description(
      'start your own project: an ESM TypeScript project with a tool, an agent, a workflow, tests and hearth.config.json',
    )
    .option(
      '--from <path>',
      'take the Hearth packages from a Hearth checkout (built) or a folder of npm pack tarballs (default: the packages this hearth runs from)',
    )
    .option('--registry', 'take the Hearth packages from the npm registry (nothing is published yet)')
    .option('--force', 'write into a folder that is not empty (files of the same name are replaced)')
    .option('--no-install', 'write the project without running npm install')
    .addHelpText(
      'after',
      '\nThe Hearth packages are copied into the project as tarballs (.hearth/packages/*.tgz, as file: dependencies),\nso it installs without a registry. Then npm install runs (a few minutes the first time: llama.cpp bindings).\n' +
        '\nExamples:\n  hearth init my-agents                      # from the packages this hearth runs from\n  hearth init my-agents --from ~/src/hearth  # from a checkout (run npm run build there first)\n  hearth init my-agents --from ./tarballs    # from a folder of npm pack tarballs',
    )
    .action(async (dirArgument: string | undefined, options: InitOptions) => {
      const dir = resolve(dirArgument ?? '.');
      const source = packageSource(options);
      const created = !existsSync(dir);
      prepareDirectory(dir, options.force);
      const name = packageNameFor(dir);
      try {
        let bundled = new Map<string, string>();
        if (source.kind !== 'registry') {
          progress(`copying the Hearth packages from ${source.from} into .hearth/packages ...`);
          const started = Date.now();
          bundled = await bundleHearthPackages(source, join(dir, '.hearth', 'packages'));
          progress(`${bundled.size} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        }
        writeProject(dir, name, hearthSpecs(source, bundled));
      } catch (error) {
        // Leave no half-made project behind in a folder this command made.
        if (created) rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      progress(`wrote ${name} in ${dir}`);
      const where = relative(process.cwd(), dir) || '.';
      if (options.install) {
        progress('npm install (a few minutes the first time: llama.cpp bindings, LangGraph) ...');
        const started = Date.now();
        await runCapturing('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
        progress(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
      process.stdout.write(
        [
          `Created ${dir}. Next:`,
          `  cd ${where}`,
          ...(options.install ? [] : ['  npm install']),
          '  npm test            # scripted-model tests and one on the tiny model',
          '  npm run dev         # runs the greeting workflow',
          '  npm run mcp         # serves its tools, agents and workflows over MCP (stdio)',
          '  npx hearth mcp config --client claude-desktop   # the config for a desktop client',
          '',
        ].join('\n'),
      );
    });
}
