import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine, FinishReason, GenerateDelta, GenerateResult } from '@hearth/engine';
import { JsonSchemaError } from '@hearth/engine';
import { createHttpGuard, isLoopbackHost, weakTokenReason } from '@hearth/http-guard';
import type {
  HearthExtension,
  OpenAIChatCompletion,
  OpenAIChatCompletionChunk,
  OpenAIErrorBody,
  OpenAIFinishReason,
  OpenAIUsage,
} from '../engine/openai/wire.js';
import { EngineCapabilityError } from '../errors/engine-capability-error.js';
import { MediaInputError } from '../errors/media-input-error.js';
import { ServeConfigError } from '../errors/serve-config-error.js';
import { ServeRequestError } from '../errors/serve-request-error.js';
import { checkGenerateRequest } from '../media-check/check-request.js';
import { parseChatRequest, toGenerateRequest } from './chat-request.js';

/** Options of {@link startOpenAIServer}. */
export interface OpenAIServerOptions {
  engine: Engine;
  /** Interface to bind (default `127.0.0.1`). Anything but loopback requires `token`. */
  host?: string;
  /** TCP port (default 8788; 0 picks a free one). */
  port?: number;
  /** Bearer token every request must carry (`Authorization: Bearer <token>`); at least 16 characters. */
  token?: string;
  /** Largest accepted request body in bytes (default 32 MiB, room for base64 images and audio). */
  maxBodyBytes?: number;
  /**
   * More names or addresses accepted in the `Host` header, besides loopback names and the bound address
   * (every interface address when bound to 0.0.0.0 or ::): the names network clients use to reach it.
   */
  allowedHosts?: string[];
  /** Origins (e.g. `https://app.example`) allowed to call from a browser; loopback origins always are. */
  allowedOrigins?: string[];
  /** Model id clients use (default: the engine's model name). */
  modelId?: string;
}

/** A running server. */
export interface OpenAIServer {
  /** Base URL of the API, e.g. `http://127.0.0.1:8788/v1`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops accepting connections, aborts running generations and waits for the server to close. */
  close(): Promise<void>;
}

const DEFAULT_PORT = 8788;
const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

/**
 * Serves an engine over OpenAI's Chat Completions API: `GET /v1/models`, `POST /v1/chat/completions`
 * (plain and SSE streaming; tools, image and audio parts, `response_format`), `GET /health`.
 * Binds 127.0.0.1 by default; binding elsewhere requires a bearer token. Every request passes the guard
 * `hearth mcp serve` uses too (`createHttpGuard`: Host, Origin, token, JSON bodies). Errors use
 * OpenAI's `{error: {...}}` shape.
 *
 * @throws {ServeConfigError} for a non-loopback host without a token, a weak token, or a bad port or body limit.
 */
export async function startOpenAIServer(options: OpenAIServerOptions): Promise<OpenAIServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_PORT;
  checkServeBinding({ host, port, token: options.token });
  const modelId = options.modelId ?? options.engine.info.model;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new ServeConfigError(`maxBodyBytes must be a whole number of bytes >= 1, got ${maxBodyBytes}`);
  const guard = createHttpGuard({
    host,
    token: options.token,
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
  });
  const running = new Set<AbortController>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, error));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = guard.check(req);
    if (refusal)
      throw new ServeRequestError(refusal.status, refusal.message, {
        openaiCode: {
          host: 'forbidden_host',
          origin: 'forbidden_origin',
          token: 'invalid_api_key',
          'content-type': 'unsupported_media_type',
        }[refusal.check],
      });
    const path = (req.url ?? '/').split('?')[0]?.replace(/\/+$/, '') || '/';
    if (path === '/health') return sendJson(res, 200, { status: 'ok', model: modelId });
    if (path === '/v1/models' || path === '/models') {
      requireMethod(req, 'GET');
      return sendJson(res, 200, { object: 'list', data: [modelEntry()] });
    }
    const single = /^\/(?:v1\/)?models\/(.+)$/.exec(path);
    if (single) {
      requireMethod(req, 'GET');
      if (decodeURIComponent(single[1] as string) !== modelId) throw unknownModel(single[1] as string);
      return sendJson(res, 200, modelEntry());
    }
    if (path === '/v1/chat/completions' || path === '/chat/completions') {
      requireMethod(req, 'POST');
      return chatCompletions(req, res);
    }
    throw new ServeRequestError(
      404,
      `No route ${req.method} ${path}; hearth serve offers GET /v1/models and POST /v1/chat/completions`,
      {
        openaiCode: 'not_found',
      },
    );
  }

  function modelEntry() {
    return {
      id: modelId,
      object: 'model',
      created: 0,
      owned_by: 'hearth',
      context_length: options.engine.info.contextSize,
      engine: options.engine.info.engine,
      capabilities: options.engine.info.capabilities,
    };
  }

  function unknownModel(name: string): ServeRequestError {
    return new ServeRequestError(
      404,
      `The model "${name}" is not served here; this server serves "${modelId}"`,
      {
        param: 'model',
        openaiCode: 'model_not_found',
      },
    );
  }

  async function chatCompletions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = parseChatRequest(await readJson(req, maxBodyBytes));
    if (body.model !== modelId) throw unknownModel(body.model);
    const controller = new AbortController();
    running.add(controller);
    // A client that hangs up stops the generation instead of leaving it running.
    res.on('close', () => controller.abort());
    try {
      // Refused with a 400 here whatever engine this server was given: bad media or schemas never reach it.
      const request = await checkGenerateRequest(toGenerateRequest(body, controller.signal)).catch(
        refusedInput,
      );
      const id = `chatcmpl-${randomBytes(12).toString('base64url')}`;
      const created = Math.floor(Date.now() / 1000);
      if (!body.stream) {
        const result = await options.engine.generate(request);
        return sendJson(res, 200, toCompletion(id, created, result));
      }
      await streamCompletion(res, {
        id,
        created,
        model: options.engine.info.model,
        deltas: options.engine.stream(request),
        includeUsage: body.stream_options?.include_usage === true,
      });
    } finally {
      running.delete(controller);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    host: address.address,
    port: address.port,
    close: async () => {
      for (const controller of running) controller.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Checks where a server may listen, before anything expensive (loading a model) happens: a
 * non-loopback host needs a bearer token, and the port must be valid.
 *
 * @throws {ServeConfigError} naming the problem and the fix.
 */
export function checkServeBinding(options: {
  host?: string;
  port?: number;
  token?: string | undefined;
}): void {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !options.token) {
    throw new ServeConfigError(
      `Refusing to serve on ${host} without a bearer token: anyone who can reach it could use the model. Pass a token (hearth serve --token <secret>) or bind 127.0.0.1`,
    );
  }
  const weakToken = options.token === undefined ? undefined : weakTokenReason(options.token);
  if (weakToken) throw new ServeConfigError(`The serve token is too weak: ${weakToken}`);
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ServeConfigError(`Port must be an integer from 0 to 65535, got ${port}`);
  }
}

function requireMethod(req: IncomingMessage, method: string): void {
  if (req.method !== method) {
    throw new ServeRequestError(405, `${req.url} takes ${method}, not ${req.method}`, {
      openaiCode: 'method_not_allowed',
    });
  }
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ServeRequestError(400, `The request body is not valid JSON: ${(error as Error).message}`, {
      openaiCode: 'invalid_json',
    });
  }
}

function tooLarge(limit: number): ServeRequestError {
  return new ServeRequestError(
    413,
    `The request body is over the ${limit}-byte limit (hearth serve --max-body-bytes)`,
    {
      openaiCode: 'request_too_large',
    },
  );
}

function toOpenAIFinish(reason: FinishReason): OpenAIFinishReason {
  return reason === 'abort' ? 'stop' : reason;
}

function toUsage(result: GenerateResult): OpenAIUsage {
  const usage: OpenAIUsage = {
    prompt_tokens: result.usage.promptTokens,
    completion_tokens: result.usage.completionTokens,
    total_tokens: result.usage.promptTokens + result.usage.completionTokens,
  };
  if (result.usage.cachedPromptTokens !== undefined) {
    usage.prompt_tokens_details = { cached_tokens: result.usage.cachedPromptTokens };
  }
  return usage;
}

function extension(result: GenerateResult): HearthExtension {
  return { timings: result.timings, mtp: result.mtp, finishReason: result.finishReason };
}

function toToolCalls(result: GenerateResult) {
  return result.toolCalls.map((call) => ({
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  }));
}

function toCompletion(id: string, created: number, result: GenerateResult): OpenAIChatCompletion {
  const message: OpenAIChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: result.toolCalls.length > 0 && result.text === '' ? null : result.text,
  };
  if (result.toolCalls.length > 0) message.tool_calls = toToolCalls(result);
  if (result.reasoning) message.reasoning_content = result.reasoning;
  return {
    id,
    object: 'chat.completion',
    created,
    model: result.model,
    choices: [{ index: 0, message, finish_reason: toOpenAIFinish(result.finishReason), logprobs: null }],
    usage: toUsage(result),
    hearth: extension(result),
  };
}

async function streamCompletion(
  res: ServerResponse,
  stream: {
    id: string;
    created: number;
    model: string;
    deltas: AsyncIterable<GenerateDelta>;
    includeUsage: boolean;
  },
): Promise<void> {
  const { id, created, deltas, includeUsage } = stream;
  let model = stream.model;
  const chunk = (
    delta: OpenAIChatCompletionChunk['choices'][number]['delta'],
    finish: OpenAIFinishReason | null = null,
  ): OpenAIChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const send = (value: unknown) => {
    if (!res.writableEnded) res.write(`data: ${JSON.stringify(value)}\n\n`);
  };
  let headersSent = false;
  const start = () => {
    if (headersSent) return;
    headersSent = true;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    send(chunk({ role: 'assistant', content: '' }));
  };
  let toolIndex = 0;
  try {
    for await (const delta of deltas) {
      start();
      switch (delta.type) {
        case 'text':
          send(chunk({ content: delta.text }));
          break;
        case 'reasoning':
          send(chunk({ reasoning_content: delta.text }));
          break;
        case 'tool-call':
          send(
            chunk({
              tool_calls: [
                {
                  index: toolIndex++,
                  id: delta.toolCall.id,
                  type: 'function',
                  function: { name: delta.toolCall.name, arguments: JSON.stringify(delta.toolCall.args) },
                },
              ],
            }),
          );
          break;
        case 'done': {
          model = delta.result.model;
          const last: OpenAIChatCompletionChunk = chunk({}, toOpenAIFinish(delta.result.finishReason));
          last.hearth = extension(delta.result);
          send(last);
          if (includeUsage) send({ ...chunk({}), choices: [], usage: toUsage(delta.result) });
          break;
        }
      }
    }
  } catch (error) {
    // Before the first delta the usual HTTP error is still possible; after it, the error travels in the stream.
    if (!headersSent) throw error;
    send(errorBody(error));
  }
  start();
  if (!res.writableEnded) res.end('data: [DONE]\n\n');
}

/**
 * A refusal of `checkGenerateRequest` as the 400 the client sees, with `param` in the request's own
 * terms: `messages[1].content[0]`, `response_format.json_schema.schema`, `tools[0].function.parameters`.
 */
function refusedInput(error: unknown): never {
  if (MediaInputError.isInstance(error)) {
    const param = /^messages\[\d+\]\.content\[\d+\]/.exec(error.message)?.[0];
    throw new ServeRequestError(400, error.message, {
      ...(param ? { param } : {}),
      openaiCode: 'invalid_media',
    });
  }
  if (JsonSchemaError.isInstance(error)) {
    const where = /^(responseFormat\.schema|tools\[(\d+)\])/.exec(error.message);
    const param =
      where?.[2] !== undefined
        ? `tools[${where[2]}].function.parameters`
        : 'response_format.json_schema.schema';
    throw new ServeRequestError(400, error.message, { param, openaiCode: 'unsupported_schema' });
  }
  throw error;
}

function errorBody(error: unknown): OpenAIErrorBody & { status: number } {
  if (ServeRequestError.isInstance(error)) {
    return {
      status: error.status,
      error: { message: error.message, type: error.type, param: error.param, code: error.openaiCode },
    };
  }
  // Input the engine cannot take is the client's mistake, not a server fault.
  const isClientError =
    EngineCapabilityError.isInstance(error) ||
    MediaInputError.isInstance(error) ||
    JsonSchemaError.isInstance(error) ||
    error instanceof TypeError;
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: isClientError ? 400 : 500,
    error: {
      message,
      type: isClientError ? 'invalid_request_error' : 'server_error',
      param: null,
      code: error instanceof Error ? error.name : null,
    },
  };
}

function sendError(res: ServerResponse, error: unknown): void {
  const { status, ...body } = errorBody(error);
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const headers: Record<string, string> = {};
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  sendJson(res, status, body, headers);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
