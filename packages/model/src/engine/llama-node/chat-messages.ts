import type { ContentPart, EngineCapabilities, GenerateRequest, JsonSchema, Message } from '@hearth/engine';
import { EngineCapabilityError } from '../../errors/engine-capability-error.js';
import { forcedToolCallSchema, forcedTools } from '../forced-tool-call.js';
import type { ChatMessage, MessagePart, Tool } from './binding.js';
import { toMediaDataUrl } from './media.js';

/** The chat in llama.node's (OpenAI-style) shape, and which media kinds it carries. */
export interface LlamaChat {
  messages: ChatMessage[];
  images: number;
  audios: number;
}

async function toParts(content: string | ContentPart[], counts: { images: number; audios: number }) {
  if (typeof content === 'string') return content;
  const parts: MessagePart[] = [];
  for (const part of content) {
    if (part.type === 'text') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'image') {
      counts.images++;
      parts.push({ type: 'image_url', image_url: { url: await toMediaDataUrl(part.image, 'image') } });
    } else {
      counts.audios++;
      const url = await toMediaDataUrl(part.audio, 'audio');
      // llama.node only accepts audio as `data:audio/...;base64,` in `data` (raw base64 fails).
      parts.push({
        type: 'input_audio',
        input_audio: { format: url.startsWith('data:audio/wav') ? 'wav' : 'mp3', data: url },
      });
    }
  }
  return parts;
}

/**
 * Converts Hearth messages to llama.node's chat messages: media parts become data URLs (checked
 * first, see `toMediaDataUrl`), tool calls become OpenAI `tool_calls` with JSON-string arguments
 * (the Gemma 4 template renders them in Gemma's own syntax), tool results become `tool` messages.
 */
export async function toLlamaChat(messages: readonly Message[]): Promise<LlamaChat> {
  const counts = { images: 0, audios: 0 };
  const converted: ChatMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        converted.push({ role: 'system', content: message.content });
        break;
      case 'user':
        converted.push({ role: 'user', content: await toParts(message.content, counts) });
        break;
      case 'assistant': {
        const assistant: ChatMessage & Record<string, unknown> = {
          role: 'assistant',
          content: message.content,
        };
        if (message.reasoning) assistant.reasoning_content = message.reasoning;
        if (message.toolCalls?.length) {
          assistant.tool_calls = message.toolCalls.map((call) => ({
            type: 'function',
            id: call.id,
            function: { name: call.name, arguments: JSON.stringify(call.args) },
          }));
        }
        converted.push(assistant);
        break;
      }
      case 'tool':
        converted.push({
          role: 'tool',
          tool_call_id: message.toolCallId,
          name: message.name,
          content: await toParts(message.content, counts),
        } as ChatMessage);
        break;
    }
  }
  return { messages: converted, ...counts };
}

/** The tools llama.cpp's chat template renders for a request, and the JSON schema its reply is held to. */
export interface LlamaTools {
  tools: Tool[] | undefined;
  /** `toolChoice: 'required'` or `{name}`: the reply is a forced `{name, arguments}` call under `schema`. */
  forced: boolean;
  schema: JsonSchema | undefined;
}

/**
 * The request's tools for the chat template (none with `toolChoice: 'none'`). A forced call
 * (`toolChoice: 'required'` or `{name}`): llama.cpp's Gemma 4 grammar lets the model write any text
 * before the call (and leaves argument keys free), so Hearth forces the reply instead: a JSON object
 * `{name, arguments}` under a schema that is the union of the allowed tools' own schemas.
 *
 * @throws ToolChoiceError when `toolChoice` names a tool the request does not have.
 */
export function toLlamaTools(request: GenerateRequest): LlamaTools {
  const tools =
    request.tools?.length && request.toolChoice !== 'none'
      ? request.tools.map((tool) => ({
          type: 'function' as const,
          function: { name: tool.name, description: tool.description, parameters: tool.parameters },
        }))
      : undefined;
  const allowed = forcedTools(request);
  const schema = allowed ? forcedToolCallSchema(allowed) : request.responseFormat?.schema;
  return { tools, forced: allowed !== undefined, schema };
}

/**
 * Throws `EngineCapabilityError` when a user or tool message holds an image or audio part that the
 * loaded model set cannot encode (no projector, or a projector without that encoder).
 */
export function refuseUnsupportedMedia(
  engine: string,
  messages: readonly Message[],
  capabilities: EngineCapabilities,
  mmproj: string | undefined,
): void {
  const parts = messages.flatMap((message) =>
    (message.role === 'user' || message.role === 'tool') && typeof message.content !== 'string'
      ? message.content
      : [],
  );
  for (const kind of ['image', 'audio'] as const) {
    if (!capabilities[kind] && parts.some((part) => part.type === kind)) {
      throw new EngineCapabilityError(
        engine,
        kind,
        mmproj
          ? `the projector ${mmproj} has no ${kind === 'image' ? 'vision' : 'audio'} encoder`
          : 'load the model with an mmproj file (--mmproj) to give it images and audio',
      );
    }
  }
}
