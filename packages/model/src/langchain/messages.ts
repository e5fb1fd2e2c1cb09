import { randomBytes } from 'node:crypto';
import type { ContentPart, Message, ToolCall } from '@hearth/engine';
import type { BaseMessage, ToolMessage } from '@langchain/core/messages';

type Block = Record<string, unknown> & { type?: string };

function asDataUrl(data: string, mimeType: string): string {
  return data.startsWith('data:') ? data : `data:${mimeType};base64,${data}`;
}

/**
 * One LangChain content block as a Hearth part. LangChain has spelled media three ways over its
 * versions, and all three still reach chat models: OpenAI-style (`image_url`, `input_audio`), the
 * v0 standard (`source_type: 'base64' | 'url'`, `mime_type`) and the v1 standard (`data`/`url`,
 * `mimeType`). Text-like blocks that carry no model input (tool_use echoes, reasoning) are dropped.
 */
function toPart(block: Block, where: string): ContentPart | undefined {
  switch (block.type) {
    case 'text':
    case 'text_delta':
      return { type: 'text', text: String(block.text ?? '') };
    case 'image_url': {
      const value = block.image_url as string | { url: string };
      return { type: 'image', image: typeof value === 'string' ? value : value.url };
    }
    case 'input_audio': {
      const audio = block.input_audio as { data: string; format: string };
      const mimeType = `audio/${audio.format === 'mp3' ? 'mpeg' : audio.format}`;
      return { type: 'audio', audio: asDataUrl(audio.data, mimeType), mimeType };
    }
    case 'image':
    case 'audio': {
      const kind = block.type;
      const mimeType = String(
        block.mime_type ?? block.mimeType ?? (kind === 'image' ? 'image/png' : 'audio/wav'),
      );
      const data = (block.data ?? block.base64) as string | Uint8Array | undefined;
      let media: string | Uint8Array;
      if (data instanceof Uint8Array) media = data;
      else if (typeof data === 'string' && block.source_type !== 'url') media = asDataUrl(data, mimeType);
      else if (typeof block.url === 'string') media = block.url;
      else throw new TypeError(`${where}: the ${kind} block has neither base64 data nor a URL`);
      return kind === 'image'
        ? { type: 'image', image: media, mimeType }
        : { type: 'audio', audio: media, mimeType };
    }
    case 'tool_use':
    case 'tool_call':
    case 'reasoning':
    case 'thinking':
      return undefined;
    default:
      throw new TypeError(
        `${where}: content blocks of type "${block.type}" are not supported; use text, image (base64 or data URL) or audio`,
      );
  }
}

function toParts(content: BaseMessage['content'], where: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  const parts = (content as Block[]).flatMap((block, index) => {
    const part = toPart(block, `${where}.content[${index}]`);
    return part ? [part] : [];
  });
  return parts.every((part) => part.type === 'text') ? parts.map((part) => part.text).join('') : parts;
}

function textOf(content: BaseMessage['content'], where: string): string {
  const parts = toParts(content, where);
  if (typeof parts === 'string') return parts;
  const media = parts.find((part) => part.type !== 'text');
  if (media)
    throw new TypeError(`${where}: ${media.type} content is only accepted in human and tool messages`);
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** Tool call ids are optional in LangChain; the engine contract needs one to match results to calls. */
export function newToolCallId(): string {
  return `call_${randomBytes(9).toString('base64url')}`;
}

/** Converts LangChain messages to Hearth messages. */
export function toHearthMessages(messages: readonly BaseMessage[]): Message[] {
  const out: Message[] = [];
  for (const [index, message] of messages.entries()) {
    const where = `messages[${index}]`;
    const type = message.getType();
    switch (type) {
      case 'system':
        out.push({ role: 'system', content: textOf(message.content, where) });
        break;
      case 'human':
        out.push({ role: 'user', content: toParts(message.content, where) });
        break;
      case 'ai': {
        const calls = (
          message as { tool_calls?: Array<{ id?: string; name: string; args: Record<string, unknown> }> }
        ).tool_calls;
        const assistant: Message = { role: 'assistant', content: textOf(message.content, where) };
        if (calls?.length) {
          assistant.toolCalls = calls.map(
            (call): ToolCall => ({ id: call.id ?? newToolCallId(), name: call.name, args: call.args }),
          );
        }
        out.push(assistant);
        break;
      }
      case 'tool': {
        const tool = message as ToolMessage;
        const call = out
          .flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : []))
          .find((c) => c.id === tool.tool_call_id);
        out.push({
          role: 'tool',
          toolCallId: tool.tool_call_id,
          name: tool.name ?? call?.name ?? '',
          content: toParts(tool.content, where),
        });
        break;
      }
      default:
        throw new TypeError(`${where}: messages of type "${type}" are not supported by ChatHearth`);
    }
  }
  return out;
}
