import { register } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Module hooks for the user's own files (run targets, tool modules, agents and workflows from
 * hearth.config.json), run in Node's loader thread:
 * - `@hearth/*` and `zod` imports that the user's folder cannot resolve (a lone .ts file, a project
 *   without node_modules) resolve from this CLI's own installation instead;
 * - the user's TypeScript (outside node_modules) loads as an ES module even in a CommonJS package,
 *   so top-level await and `import` work in a default `npm init` project.
 * Given as a data: URL so the hooks need no file of their own next to the compiled CLI.
 */
const hooksSource = `
let fallbacks = [];
export function initialize(data) { fallbacks = data.fallbacks; }
const typeScript = /\\.(ts|tsx|mts)$/;
function fallbackParent(specifier) {
  return fallbacks.find(({ name }) => specifier === name || specifier.startsWith(name + '/'))?.parent;
}
export async function resolve(specifier, context, nextResolve) {
  let resolved;
  try {
    resolved = await nextResolve(specifier, context);
  } catch (error) {
    const parent = fallbackParent(specifier);
    if (!parent || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    resolved = await nextResolve(specifier, { ...context, parentURL: parent });
  }
  const path = resolved.url.startsWith('file:') ? new URL(resolved.url).pathname : '';
  if (typeScript.test(path) && !path.includes('/node_modules/')) return { ...resolved, format: 'module' };
  return resolved;
}
`;

/** The Hearth packages a user's module may import without installing them, and the package to resolve each from. */
const hearthPackages = [
  '@hearth/core',
  '@hearth/engine',
  '@hearth/model',
  '@hearth/mcp',
  '@hearth/tools',
  '@hearth/agents',
  '@hearth/workflows',
  '@hearth/testkit',
];

let registered = false;

/** Installs the hooks once per process (before the first user module is imported). */
export function registerUserModuleHooks(): void {
  if (registered) return;
  registered = true;
  const fallbacks = hearthPackages.map((name) => ({ name, parent: import.meta.url }));
  // zod is core's dependency, not the CLI's: resolve it from where core is installed.
  fallbacks.push({ name: 'zod', parent: import.meta.resolve('@hearth/core') });
  register(`data:text/javascript,${encodeURIComponent(hooksSource)}`, { data: { fallbacks } });
}

/** Imports a user's module: TypeScript through tsx (as ESM), JavaScript as it is. */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  registerUserModuleHooks();
  const url = pathToFileURL(file).href;
  if (['.ts', '.mts', '.tsx'].includes(extname(file)))
    return (await import('tsx/esm/api')).tsImport(url, import.meta.url);
  return (await import(url)) as Record<string, unknown>;
}
