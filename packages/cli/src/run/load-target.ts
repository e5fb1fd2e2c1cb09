import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AnyRunTarget, type HearthConfig, RunTarget } from '@hearth/core';
import { UsageError } from '../errors/usage-error.js';
import { readProjectConfig } from './project-config.js';
import { importUserModule } from './user-modules.js';

/** A run target and how to find it again (`hearth run --resume` reloads it from `source`). */
export interface LoadedTarget {
  target: RunTarget;
  /** The file it came from, or its example name. */
  source: string;
}

/** The example agents and workflows by name, from the example packages (loaded only when asked for). */
export async function exampleTargets(): Promise<Map<string, AnyRunTarget>> {
  const found = new Map<string, AnyRunTarget>();
  for (const specifier of ['@hearth/workflows', '@hearth/agents']) {
    // An example package that is not installed or not built is simply not offered; a broken one is an error.
    let entry: string;
    try {
      entry = import.meta.resolve(specifier);
    } catch {
      continue;
    }
    if (!existsSync(fileURLToPath(entry))) continue;
    const module = (await import(entry)) as { examples?: Record<string, unknown> };
    for (const [name, value] of Object.entries(module.examples ?? {}))
      if (RunTarget.isRunTarget(value)) found.set(name, value);
  }
  return found;
}

/** The file a run target names: the path itself, with .ts/.js, an index file, or `<dir>/src/<name>.ts`. */
function resolveTargetFile(spec: string): string | undefined {
  const path = resolve(spec);
  const base = basename(path);
  const candidates = [
    path,
    `${path}.ts`,
    `${path}.js`,
    `${path}.mjs`,
    join(path, 'index.ts'),
    join(path, 'index.js'),
    join(dirname(path), 'src', `${base}.ts`),
    join(dirname(path), 'dist', `${base}.js`),
  ];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** The module's default export, or its only exported agent/workflow. */
function targetExportedBy(file: string, module: Record<string, unknown>): RunTarget {
  if (RunTarget.isRunTarget(module.default)) return module.default;
  const exported = Object.entries(module).filter(([, value]) => RunTarget.isRunTarget(value));
  if (exported.length === 1) return exported[0]?.[1] as RunTarget;
  throw new UsageError(
    exported.length === 0
      ? `${file} exports no agent or workflow; export one made with defineAgent/defineWorkflow/definePlanner (default export preferred)`
      : `${file} exports several (${exported.map(([name]) => name).join(', ')}); make the one to run the default export`,
  );
}

const moduleExtensions = new Set(['.ts', '.mts', '.js', '.mjs']);

/** The module files a config entry names: the file itself, or the modules in a folder (tests and declarations left out). */
function modulesIn(path: string): string[] {
  if (!existsSync(path)) {
    const file = resolveTargetFile(path);
    if (file) return [file];
    throw new UsageError(`hearth.config.json names ${path}, which does not exist`);
  }
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .filter((name) => moduleExtensions.has(extname(name)) && !/\.(test|spec|d)\.[mc]?[jt]s$/.test(name))
    .sort()
    .map((name) => join(path, name));
}

/**
 * The agents and workflows a project's hearth.config.json declares (`agents`, `workflows`: files or
 * folders), by name, each with the file it came from.
 * @throws UsageError for a listed module that exports none, or two targets with one name.
 */
export async function projectTargets(config: HearthConfig | undefined): Promise<Map<string, LoadedTarget>> {
  const found = new Map<string, LoadedTarget>();
  for (const path of [...(config?.agents ?? []), ...(config?.workflows ?? [])]) {
    for (const file of modulesIn(path)) {
      const exported = Object.values(await importUserModule(file)).filter(RunTarget.isRunTarget);
      if (exported.length === 0)
        throw new UsageError(
          `${file} (listed in hearth.config.json) exports no agent or workflow; export one made with defineAgent/defineWorkflow`,
        );
      for (const target of new Set(exported)) {
        const other = found.get(target.name);
        if (other && other.target !== target)
          throw new UsageError(
            `two agents or workflows are named "${target.name}" (${other.source} and ${file}); rename one`,
          );
        found.set(target.name, { target, source: file });
      }
    }
  }
  return found;
}

/**
 * Loads an agent or workflow from a file (TypeScript through tsx, or JavaScript), by the name the
 * project's hearth.config.json gives it, or by example name.
 * @throws UsageError when nothing by that name exists or the file exports no single run target.
 */
export async function loadRunTarget(spec: string): Promise<LoadedTarget> {
  const file = resolveTargetFile(spec);
  if (file) return { target: targetExportedBy(file, await importUserModule(file)), source: file };
  const project = await projectTargets(await readProjectConfig());
  const declared = project.get(spec);
  if (declared) return declared;
  const known = await exampleTargets();
  const byName = known.get(spec) ?? known.get(basename(spec));
  if (byName) return { target: byName, source: byName.name };
  const names = [...project.keys(), ...known.keys()];
  throw new UsageError(
    `no file or example named "${spec}", nor an agent or workflow in ./hearth.config.json; known names: ${names.join(', ') || 'none (examples not built: run npm run build)'}`,
  );
}

/**
 * The model a run uses: the one given (`--model`, a queued run's), else the one its definition
 * names. None when neither: a target that never calls a model (plain functions and tool calls) runs
 * without an engine, and a node that does need one fails by name (MissingEngineError).
 */
export function runModel(target: RunTarget, given: string | undefined): string | undefined {
  return given ?? target.model;
}
