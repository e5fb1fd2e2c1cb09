import { resolve } from 'node:path';
import { type HearthConfig, HearthConfigError, loadHearthConfig } from '@hearth/core';

/** The project's config file: `path` when given, else `hearth.config.json` in the working directory. */
export function projectConfigPath(path: string | undefined): string {
  return resolve(path ?? 'hearth.config.json');
}

/**
 * Reads `path`, or `./hearth.config.json` when there is one (no file there is fine; a broken one is
 * an error, as is a missing file that was named).
 */
export async function readProjectConfig(path?: string): Promise<HearthConfig | undefined> {
  if (path) return loadHearthConfig(path);
  try {
    return await loadHearthConfig('hearth.config.json');
  } catch (error) {
    if (HearthConfigError.isInstance(error) && error.code === 'CONFIG_UNREADABLE') return undefined;
    throw error;
  }
}
