import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type AnyRunTarget, RunTarget } from '@hearth/core';
import { UsageError } from '../errors/usage-error.js';

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

/**
 * Loads an agent or workflow from a file (TypeScript through tsx, or JavaScript) or by example name.
 * @throws UsageError when nothing by that name exists or the file exports no single run target.
 */
export async function loadRunTarget(spec: string): Promise<LoadedTarget> {
  const file = resolveTargetFile(spec);
  if (file) {
    const module: Record<string, unknown> = ['.ts', '.mts'].includes(extname(file))
      ? await (await import('tsx/esm/api')).tsImport(pathToFileURL(file).href, import.meta.url)
      : await import(pathToFileURL(file).href);
    return { target: targetExportedBy(file, module), source: file };
  }
  const known = await exampleTargets();
  const byName = known.get(spec) ?? known.get(basename(spec));
  if (byName) return { target: byName, source: byName.name };
  throw new UsageError(
    `no file or example named "${spec}"; examples: ${[...known.keys()].join(', ') || 'none built (run npm run build)'}`,
  );
}

/** The model a run uses when no `--model` is given: the one its definition names. */
export function defaultModel(target: RunTarget): string {
  if (!target.model)
    throw new UsageError(
      `${target.kind} "${target.name}" names no default model: pass --model <preset|path>`,
    );
  return target.model;
}
