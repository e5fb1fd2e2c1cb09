/** What a request can ask of the `llama-node` engine alone: `engineOptions: {'llama-node': {...}}`. */
export interface LlamaNodeRequestOptions {
  /**
   * MTP speculative decoding with the configured drafter. Unset: on, except when a long prefix of
   * the prompt is already in the KV cache (llama.node cannot reuse a cached prefix in an MTP
   * completion, and reuse saves more). `true` forces MTP, `false` turns it off. Media turns always
   * decode without MTP in llama.node.
   */
  mtp?: boolean;
}

declare module '@hearth/engine' {
  interface EngineRequestOptions {
    'llama-node'?: LlamaNodeRequestOptions;
  }
}
