import type { SamplingOptions } from '@hearth/engine';

/** The llama.node completion fields Hearth sets for sampling. */
export interface LlamaSampling {
  temperature?: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  seed?: number;
  xtc_probability?: number;
  dry_multiplier?: number;
}

/**
 * Maps Hearth sampling options to llama.node's. `greedy` must switch off every stochastic sampler:
 * llama.node's defaults keep XTC (probability 0.1) and DRY (multiplier 1.75) on with a random seed,
 * so `temperature: 0` alone is not deterministic.
 */
export function toLlamaSampling(options: SamplingOptions = {}): LlamaSampling {
  if (options.greedy) {
    return {
      temperature: 0,
      top_k: 1,
      top_p: 1,
      min_p: 0,
      xtc_probability: 0,
      dry_multiplier: 0,
      seed: options.seed ?? 0,
    };
  }
  const sampling: LlamaSampling = {};
  if (options.temperature !== undefined) sampling.temperature = options.temperature;
  if (options.topK !== undefined) sampling.top_k = options.topK;
  if (options.topP !== undefined) sampling.top_p = options.topP;
  if (options.minP !== undefined) sampling.min_p = options.minP;
  if (options.seed !== undefined) sampling.seed = options.seed;
  return sampling;
}
