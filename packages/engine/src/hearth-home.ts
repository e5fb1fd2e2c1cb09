import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Hearth's own directory: `$HEARTH_HOME`, or `~/.cache/hearth` when unset. Downloaded models live
 * in `models/` under it, generated testkit models in `testkit/`, checkpoints in `checkpoints.sqlite`.
 */
export function hearthHome(): string {
  return resolve(process.env.HEARTH_HOME || join(homedir(), '.cache', 'hearth'));
}
