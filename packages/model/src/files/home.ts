import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Hearth's own directory: `$HEARTH_HOME`, or `~/.cache/hearth` when unset. Downloaded models live
 * in `models/` under it, generated testkit models in `testkit/`.
 */
export function hearthHome(): string {
  return resolve(process.env.HEARTH_HOME || join(homedir(), '.cache', 'hearth'));
}

/** The model cache: where `hf:` and URL downloads are stored and looked up. */
export function modelCacheDir(): string {
  return join(hearthHome(), 'models');
}
