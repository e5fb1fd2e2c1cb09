import type {
  Engine,
  EngineInfo,
  GenerateDelta,
  GenerateRequest,
  GenerateResult,
  ToolCall,
} from '@hearth/engine';

/** One scripted reply: plain text, a JSON value (sent as its JSON text), or tool calls. */
export type ScriptedReply =
  | { text: string; toolCalls?: Array<Omit<ToolCall, 'id'> & { id?: string }> }
  | { json: unknown }
  | { toolCalls: Array<Omit<ToolCall, 'id'> & { id?: string }>; text?: string };

export type ScriptedResponder = (request: GenerateRequest, index: number) => ScriptedReply;

/**
 * An Engine that answers from a script, for control-flow tests. It records every request, so tests
 * can assert what reached the model (for example: attachments arrive as image/audio parts).
 */
export class ScriptedEngine implements Engine {
  readonly info: EngineInfo = {
    engine: 'scripted',
    model: 'scripted',
    contextSize: 8192,
    capabilities: { image: true, audio: true, tools: true, jsonSchema: true, thinking: false, mtp: false },
  };
  readonly requests: GenerateRequest[] = [];
  private readonly responder: ScriptedResponder;

  constructor(script: ScriptedReply[] | ScriptedResponder) {
    this.responder = Array.isArray(script)
      ? (_request, index) => {
          const reply = script[index];
          if (!reply) throw new Error(`scripted engine: no reply scripted for call ${index + 1}`);
          return reply;
        }
      : script;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const index = this.requests.length;
    this.requests.push(request);
    request.signal?.throwIfAborted();
    const reply = this.responder(request, index);
    const text = 'json' in reply ? JSON.stringify(reply.json) : (reply.text ?? '');
    const toolCalls = ('toolCalls' in reply ? (reply.toolCalls ?? []) : []).map((call, i) => ({
      id: call.id ?? `call_${index}_${i}`,
      name: call.name,
      args: call.args,
    }));
    return {
      text,
      toolCalls,
      finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      usage: { promptTokens: 10, completionTokens: text.length },
      timings: { prefillMs: 0, decodeMs: 0, prefillTokensPerSecond: 0, decodeTokensPerSecond: 0 },
      mtp: null,
      model: 'scripted',
    };
  }

  async *stream(request: GenerateRequest): AsyncIterable<GenerateDelta> {
    const result = await this.generate(request);
    // Two chunks, so consumers that join deltas are exercised.
    const half = Math.ceil(result.text.length / 2);
    if (result.text) yield { type: 'text', text: result.text.slice(0, half) };
    if (result.text.length > half) yield { type: 'text', text: result.text.slice(half) };
    for (const toolCall of result.toolCalls) yield { type: 'tool-call', toolCall };
    yield { type: 'done', result };
  }

  async close(): Promise<void> {}
}
