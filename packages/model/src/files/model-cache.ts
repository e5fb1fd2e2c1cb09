import { join } from 'node:path';
import { hearthHome } from '@hearth/engine';

/** The model cache: where `hf:` and URL downloads are stored and looked up. */
export function modelCacheDir(): string {
  return join(hearthHome(), 'models');
}
