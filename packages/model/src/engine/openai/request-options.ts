/** What a request can ask of the `openai` engine alone: `engineOptions: {openai: {...}}`. */
export interface OpenAIRequestOptions {
  /**
   * Extra fields merged into the chat-completions request body, for what a server offers beyond the
   * OpenAI API: `{mtp: false}` for another `hearth serve`, `{chat_template_kwargs: {...}}` for vLLM or
   * llama.cpp's server, `{keep_alive: '5m'}` for Ollama. Fields the engine sets itself win.
   */
  extraBody?: Record<string, unknown>;
}

declare module '@hearth/engine' {
  interface EngineRequestOptions {
    openai?: OpenAIRequestOptions;
  }
}
