import { basename } from 'node:path';
import { checkModelSetFits } from '../../files/memory-fit.js';
import { validateModelSet } from '../../files/validate-set.js';

/** llama-node's KV-cache size when none is given (the engine and this check agree on it). */
export const DEFAULT_CONTEXT_SIZE = 8192;

/** The model files of `LlamaNodeEngineOptions` (spelt out here so the engine and this check do not import each other). */
export interface LlamaNodeModelFiles {
  model: string;
  drafter?: string;
  mmproj?: string;
  name?: string;
  /** Context the engine will allocate (default {@link DEFAULT_CONTEXT_SIZE}): sizes the KV cache in the memory check. */
  contextSize?: number;
  /**
   * Load even when the estimate is larger than this machine's memory (default false). For people who
   * know better (swap, an estimate off for an unusual file); otherwise the kernel's OOM killer ends
   * the process minutes into the load.
   */
  skipMemoryCheck?: boolean;
}

/**
 * The check every native load passes first (llama-node in process, the model host before it forks,
 * node-llama-cpp), in pure JS: the files' GGUF structure and set (a bad file kills the process that
 * loads it), then the memory the set needs at the requested context against this machine's memory
 * (an oversized context is killed by the OOM killer after minutes otherwise). Kept apart from the
 * engine so the parent side of the model host can call it without loading the native addon.
 * Returns the model's display name.
 *
 * @throws GgufValidationError or ModelSetMismatchError naming the bad file.
 * @throws ModelMemoryError with the estimate, the machine's memory and what to change.
 */
export async function validateLlamaNodeFiles(options: LlamaNodeModelFiles): Promise<string> {
  const name = options.name ?? basename(options.model);
  const set = {
    name,
    target: options.model,
    ...(options.drafter ? { drafter: options.drafter } : {}),
    ...(options.mmproj ? { mmproj: options.mmproj } : {}),
  };
  await validateModelSet(set);
  if (!options.skipMemoryCheck)
    await checkModelSetFits(set, { contextSize: options.contextSize ?? DEFAULT_CONTEXT_SIZE });
  return name;
}
