import { type GgufFileInfo, validateGgufFile } from '@hearth/gguf';
import { type ModelFileRole, ModelSetMismatchError } from '../errors/model-set-mismatch-error.js';
import { type ModelFileSummary, metadataNumber, summarizeGgufFile } from './gguf-summary.js';

/** Local files that are loaded together: a target model, an optional MTP drafter and mmproj. */
export interface ModelSet {
  /** Preset name, or the target file's name. */
  name: string;
  /** Path of the target GGUF. */
  target: string;
  /** Path of the MTP drafter (`gemma4-assistant`) GGUF. */
  drafter?: string;
  /** Path of the multimodal projector (`clip`) GGUF. */
  mmproj?: string;
}

/** What `validateModelSet` learned: a summary per file and what the set can do. */
export interface ModelSetInfo {
  name: string;
  target: ModelFileSummary;
  drafter?: ModelFileSummary;
  mmproj?: ModelFileSummary;
  capabilities: {
    vision: boolean;
    audio: boolean;
    /** Speculative decoding with the MTP drafter. */
    mtp: boolean;
    /** Mixture-of-experts target (`<arch>.expert_count` > 0). */
    moe: boolean;
  };
}

const expectedArchitecture: Record<Exclude<ModelFileRole, 'target'>, string> = {
  drafter: 'gemma4-assistant',
  mmproj: 'clip',
};

function mismatch(
  info: GgufFileInfo,
  role: ModelFileRole,
  key: string,
  expected: string | number,
  actual: string | number | undefined,
  why: string,
): ModelSetMismatchError {
  return new ModelSetMismatchError({
    filePath: info.filePath,
    role,
    key,
    expected,
    actual,
    message:
      `${info.filePath}: this ${role} does not belong to the target: "${key}" is ` +
      `${actual ?? 'missing'}, expected ${expected} (${why}). Use the ${role} published with the target model.`,
  });
}

/** First value of a scalar-or-per-layer key, for comparisons that must hold across files. */
function firstValue(info: GgufFileInfo, key: string): number | undefined {
  const value = info.metadata[key];
  return Array.isArray(value) ? Number(value[0]) : metadataNumber(info, key);
}

function checkDrafter(target: GgufFileInfo, drafter: GgufFileInfo): void {
  const targetArchitecture = String(target.metadata['general.architecture']);
  if (targetArchitecture !== 'gemma4') {
    throw mismatch(
      target,
      'target',
      'general.architecture',
      'gemma4',
      targetArchitecture,
      'MTP drafters only exist for Gemma 4 targets',
    );
  }
  const targetHidden = metadataNumber(target, 'gemma4.embedding_length') ?? 0;
  const hiddenOut = metadataNumber(drafter, 'gemma4-assistant.embedding_length_out');
  if (hiddenOut !== targetHidden) {
    throw mismatch(
      drafter,
      'drafter',
      'gemma4-assistant.embedding_length_out',
      targetHidden,
      hiddenOut,
      "the drafter reads the target's hidden state",
    );
  }
  const targetVocabulary = (target.metadata['tokenizer.ggml.tokens'] as unknown[] | undefined)?.length ?? 0;
  const drafterVocabulary = (drafter.metadata['tokenizer.ggml.tokens'] as unknown[] | undefined)?.length;
  if (drafterVocabulary !== targetVocabulary) {
    throw mismatch(
      drafter,
      'drafter',
      'tokenizer.ggml.tokens',
      targetVocabulary,
      drafterVocabulary,
      'drafted tokens must be target tokens',
    );
  }
  // The drafter attends over the target's KV cache, so the cache shape must agree.
  for (const suffix of [
    'attention.head_count_kv',
    'attention.key_length',
    'attention.key_length_swa',
    'attention.sliding_window',
    'rope.dimension_count',
    'rope.dimension_count_swa',
  ]) {
    const expected = firstValue(target, `gemma4.${suffix}`);
    const actual = firstValue(drafter, `gemma4-assistant.${suffix}`);
    if (expected !== undefined && actual !== expected) {
      throw mismatch(
        drafter,
        'drafter',
        `gemma4-assistant.${suffix}`,
        expected,
        actual,
        "the drafter reads the target's KV cache",
      );
    }
  }
}

function checkMmproj(target: GgufFileInfo, mmproj: GgufFileInfo): void {
  const architecture = String(target.metadata['general.architecture']);
  const targetHidden = metadataNumber(target, `${architecture}.embedding_length`);
  if (targetHidden === undefined) return;
  for (const section of ['vision', 'audio'] as const) {
    if (mmproj.metadata[`clip.has_${section}_encoder`] !== true) continue;
    const key = `clip.${section}.projection_dim`;
    const projection = metadataNumber(mmproj, key);
    if (projection !== targetHidden) {
      throw mismatch(
        mmproj,
        'mmproj',
        key,
        targetHidden,
        projection,
        `${section} embeddings are fed straight into the target's hidden stream`,
      );
    }
  }
}

function hasExperts(info: GgufFileInfo): boolean {
  const architecture = String(info.metadata['general.architecture']);
  return (metadataNumber(info, `${architecture}.expert_count`) ?? 0) > 0;
}

/**
 * Checks every file of a set before anything native touches it (llama.cpp kills the process on a
 * bad file): each file passes the GGUF validator (complete data, every key and tensor llama.cpp
 * reads, with the right types and shapes), the drafter is a `gemma4-assistant` and the mmproj a
 * `clip` file, and both match the target's hidden size, vocabulary and KV-cache shape.
 *
 * @throws GgufValidationError (from `@hearth/gguf`) naming the file and the bad key or tensor.
 * @throws ModelSetMismatchError naming the file, the key, and the expected and actual values.
 */
export async function validateModelSet(set: ModelSet): Promise<ModelSetInfo> {
  const target = await validateGgufFile(set.target);
  const drafter = set.drafter
    ? await validateGgufFile(set.drafter, { architecture: expectedArchitecture.drafter })
    : undefined;
  const mmproj = set.mmproj
    ? await validateGgufFile(set.mmproj, { architecture: expectedArchitecture.mmproj })
    : undefined;
  if (drafter) checkDrafter(target, drafter);
  if (mmproj) checkMmproj(target, mmproj);
  const mmprojSummary = mmproj ? summarizeGgufFile(mmproj) : undefined;
  return {
    name: set.name,
    target: summarizeGgufFile(target),
    ...(drafter ? { drafter: summarizeGgufFile(drafter) } : {}),
    ...(mmprojSummary ? { mmproj: mmprojSummary } : {}),
    capabilities: {
      vision: mmprojSummary?.vision ?? false,
      audio: mmprojSummary?.audio ?? false,
      mtp: drafter !== undefined,
      moe: hasExperts(target),
    },
  };
}
