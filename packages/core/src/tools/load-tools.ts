import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidToolError } from '../errors/invalid-tool-error.js';
import { isToolDefinition } from './define-tool.js';
import type { ToolDefinition } from './tool-types.js';

const loadable = new Set(['.js', '.mjs', '.ts', '.mts']);

function isToolModuleFile(name: string): boolean {
  return loadable.has(extname(name)) && !/\.(test|spec|d)\.[mc]?[jt]s$/.test(name);
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  if (file.endsWith('.ts') || file.endsWith('.mts')) {
    let tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
    try {
      ({ tsImport } = (await import('tsx/esm/api')) as unknown as { tsImport: typeof tsImport });
    } catch (error) {
      throw new InvalidToolError(
        'TOOL_MODULE_INVALID',
        `Loading TypeScript tool module ${file} needs the "tsx" package; install it or build the module to .js.`,
        {
          cause: error,
        },
      );
    }
    return tsImport(pathToFileURL(file).href, import.meta.url);
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** The tool definitions among a module's exports (single tools or arrays of them), in export order. */
export function toolsFromModule(exports: Record<string, unknown>): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const value of Object.values(exports)) {
    if (isToolDefinition(value)) tools.push(value);
    else if (Array.isArray(value) && value.length > 0 && value.every(isToolDefinition)) tools.push(...value);
  }
  return [...new Set(tools)];
}

/**
 * Loads every tool module in a directory (not recursive): built `.js`/`.mjs`, or `.ts` through tsx.
 * Test files and declaration files are skipped. Throws `InvalidToolError` for a module that exports no
 * tools, naming the file, so a typo does not silently serve nothing.
 */
export async function loadToolsFromDirectory(directory: string): Promise<ToolDefinition[]> {
  const dir = resolve(directory);
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter(isToolModuleFile).sort();
  } catch (error) {
    throw new InvalidToolError(
      'TOOL_MODULE_INVALID',
      `Cannot read tools directory ${dir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const tools: ToolDefinition[] = [];
  for (const entry of entries) {
    const file = join(dir, entry);
    const found = toolsFromModule(await importModule(file));
    if (found.length === 0)
      throw new InvalidToolError(
        'TOOL_MODULE_INVALID',
        `${file} exports no tools: export defineTool(...) results or arrays of them.`,
      );
    tools.push(...found);
  }
  return tools;
}
