import { basename } from 'node:path';
import { validateModelSet } from '../../files/validate-set.js';

/** The model files of `LlamaNodeEngineOptions` (spelt out here so the engine and this check do not import each other). */
export interface LlamaNodeModelFiles {
  model: string;
  drafter?: string;
  mmproj?: string;
  name?: string;
}

/**
 * Checks an engine's model files in pure JS before llama.node sees them (a bad file kills the process
 * that loads it) and returns the model's display name. Kept apart from the engine so the parent side of
 * the model host can call it without loading the native addon.
 *
 * @throws GgufValidationError or ModelSetMismatchError naming the bad file.
 */
export async function validateLlamaNodeFiles(options: LlamaNodeModelFiles): Promise<string> {
  const name = options.name ?? basename(options.model);
  await validateModelSet({
    name,
    target: options.model,
    ...(options.drafter ? { drafter: options.drafter } : {}),
    ...(options.mmproj ? { mmproj: options.mmproj } : {}),
  });
  return name;
}
