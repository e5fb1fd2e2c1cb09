import type { ContentPart, Engine, Message } from '@hearth/engine';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type ClientNotification,
  type ClientRequest,
  type CreateMessageRequest,
  type CreateMessageResult,
  ErrorCode,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { base64ToBytes } from './media-base64.js';

/** How a Hearth MCP client answers a server's sampling requests from the local model. */
export interface McpSamplingOptions {
  /** The engine that answers (its model is named in every reply). */
  engine: Engine;
  /** Most tokens one reply may have (default 512); a request asking for more gets this many. */
  maxTokens?: number;
  /** Largest text one request may send, all its messages and system prompt together, in characters (default 32,000). */
  maxPromptChars?: number;
  /** Requests waiting behind the one being answered (default 4); more are refused, not queued. */
  maxQueued?: number;
  /** Requests answered over the connection's life (default 100); past it each one is refused. */
  maxRequests?: number;
}

type SamplingExtra = RequestHandlerExtra<ClientRequest, ClientNotification>;

function refuse(message: string): never {
  throw new McpError(ErrorCode.InvalidParams, `sampling request refused: ${message}`);
}

/** One MCP sampling content block as an engine content part; tool use and anything unknown is refused. */
function toContentPart(block: Record<string, unknown>, where: string): ContentPart {
  if (block.type === 'text' && typeof block.text === 'string') return { type: 'text', text: block.text };
  if ((block.type === 'image' || block.type === 'audio') && typeof block.data === 'string') {
    const mimeType = typeof block.mimeType === 'string' ? block.mimeType : undefined;
    const bytes = base64ToBytes(block.data);
    return block.type === 'image'
      ? { type: 'image', image: bytes, ...(mimeType ? { mimeType } : {}) }
      : { type: 'audio', audio: bytes, ...(mimeType ? { mimeType } : {}) };
  }
  return refuse(
    `${where} is ${JSON.stringify(block.type)} content; this client answers text, image and audio messages only (no tool use).`,
  );
}

/** The request as engine messages, checked: roles, content kinds, total text size. */
function toMessages(params: CreateMessageRequest['params'], maxPromptChars: number): Message[] {
  if (params.tools && params.tools.length > 0)
    refuse('it offers tools; this client answers without tools (leave out "tools").');
  const messages: Message[] = params.systemPrompt ? [{ role: 'system', content: params.systemPrompt }] : [];
  let chars = params.systemPrompt?.length ?? 0;
  params.messages.forEach((message, index) => {
    const blocks = (Array.isArray(message.content) ? message.content : [message.content]) as Record<
      string,
      unknown
    >[];
    const parts = blocks.map((block, part) => toContentPart(block, `messages[${index}].content[${part}]`));
    for (const part of parts) if (part.type === 'text') chars += part.text.length;
    if (message.role === 'user') messages.push({ role: 'user', content: parts });
    else {
      if (parts.some((part) => part.type !== 'text'))
        refuse(`messages[${index}] is an assistant message with media; only user messages may carry media.`);
      messages.push({
        role: 'assistant',
        content: parts.map((part) => (part.type === 'text' ? part.text : '')).join(''),
      });
    }
  });
  if (chars > maxPromptChars)
    refuse(
      `its text is ${chars} characters; this client takes at most ${maxPromptChars} (sampling.maxPromptChars).`,
    );
  if (params.messages.length === 0) refuse('it has no messages.');
  return messages;
}

/**
 * The `sampling/createMessage` handler for one connection: each request is checked on its own (a bad
 * one is refused with what was wrong and harms no other), capped at `maxTokens`, and answered one at
 * a time by the engine; more than `maxQueued` waiting, or past `maxRequests`, are refused.
 */
export function samplingHandler(options: McpSamplingOptions) {
  const maxTokens = options.maxTokens ?? 512;
  const maxPromptChars = options.maxPromptChars ?? 32_000;
  const maxQueued = options.maxQueued ?? 4;
  const maxRequests = options.maxRequests ?? 100;
  let answered = 0;
  let waiting = 0;
  let previous: Promise<unknown> = Promise.resolve();
  return async (request: CreateMessageRequest, extra: SamplingExtra): Promise<CreateMessageResult> => {
    const messages = toMessages(request.params, maxPromptChars);
    if (answered >= maxRequests)
      refuse(`this connection has used its ${maxRequests} sampling requests (sampling.maxRequests).`);
    if (waiting >= maxQueued)
      refuse(`${waiting} requests are already waiting for the model; try again when they are answered.`);
    answered++;
    waiting++;
    const turn = previous.then(async () => {
      waiting--;
      extra.signal.throwIfAborted();
      const { temperature, stopSequences } = request.params;
      return options.engine.generate({
        messages,
        maxTokens: Math.max(1, Math.min(request.params.maxTokens, maxTokens)),
        ...(temperature === undefined ? {} : { sampling: { temperature } }),
        ...(stopSequences?.length ? { stop: stopSequences } : {}),
        signal: extra.signal,
      });
    });
    previous = turn.catch(() => {});
    let result: Awaited<typeof turn>;
    try {
      result = await turn;
    } catch (error) {
      if (extra.signal.aborted) throw error;
      throw new McpError(
        ErrorCode.InternalError,
        `the local model could not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return {
      role: 'assistant',
      content: { type: 'text', text: result.text },
      model: result.model,
      stopReason: result.finishReason === 'length' ? 'maxTokens' : 'endTurn',
    };
  };
}
