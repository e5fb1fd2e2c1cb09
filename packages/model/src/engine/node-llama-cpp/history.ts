import type { ContentPart, Message } from '@hearth/engine';
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import { EngineCapabilityError } from '../../errors/engine-capability-error.js';

const ENGINE = 'node-llama-cpp';
const MEDIA_HINT = 'it is text-only; use the llama-node engine with an mmproj file for image and audio parts';

/** Joins text parts; refuses media, which this engine cannot see (describing it as text would lie). */
function textOf(content: string | ContentPart[]): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type === 'text') return part.text;
      throw new EngineCapabilityError(ENGINE, part.type, MEDIA_HINT);
    })
    .join('');
}

/** A tool result as node-llama-cpp stores it: parsed JSON when the tool returned JSON, else the text. */
function toolResultValue(content: string | ContentPart[]): unknown {
  const text = textOf(content);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Converts Hearth messages into node-llama-cpp's chat history. Tool results are attached to the
 * function call they answer (node-llama-cpp keeps call and result together inside the model turn),
 * and the history always ends with a model turn for the engine to continue: an empty one, or the
 * model turn whose tool calls were just answered, so the reply follows the tool results directly.
 */
export function toChatHistory(messages: readonly Message[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const pendingCalls = new Map<string, ChatModelFunctionCall>();
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user':
        history.push({ type: 'user', text: textOf(message.content) });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = [];
        if (message.content) response.push(message.content);
        for (const call of message.toolCalls ?? []) {
          const item: ChatModelFunctionCall = {
            type: 'functionCall',
            name: call.name,
            params: call.args,
            result: undefined,
          };
          pendingCalls.set(call.id, item);
          response.push(item);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = pendingCalls.get(message.toolCallId);
        if (!call) {
          throw new TypeError(
            `messages[${index}] is a tool result for call id "${message.toolCallId}", but no earlier assistant message has a tool call with that id`,
          );
        }
        call.result = toolResultValue(message.content);
        pendingCalls.delete(message.toolCallId);
        break;
      }
    }
  }
  const last = history.at(-1);
  const continuesToolTurn =
    last?.type === 'model' &&
    last.response.some((item) => typeof item === 'object' && item.type === 'functionCall');
  if (!continuesToolTurn) history.push({ type: 'model', response: [] });
  return history;
}
