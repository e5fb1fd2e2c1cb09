import { createRequire } from 'node:module';
import type { McpServerConfig, ToolDefinition, ToolResult, ToolResultContent } from '@hearth/core';
import { defineTool, ToolTimeoutError } from '@hearth/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  McpError,
  ProgressNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { McpConnectionError } from './errors/mcp-connection-error.js';
import { base64ToBytes } from './media-base64.js';
import { type McpSamplingOptions, samplingHandler } from './sampling.js';

const lenientToolList = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });
const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };

export interface RemoteToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface McpToolsResult {
  /** Remote tools as Hearth tools, named `<toolPrefix><remote name>`. */
  tools: ToolDefinition[];
  /** One line per remote tool that was disabled (malformed schema, bad name), naming the reason. */
  warnings: string[];
}

/**
 * Checks and normalises a remote tool's input schema: must be a JSON object schema (`type: "object"`
 * added when only `properties` is given) that zod can compile. Throws with the reason when malformed.
 */
export function normalizeRemoteSchema(schema: unknown): {
  jsonSchema: Record<string, unknown>;
  zod: z.ZodType;
} {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new Error('inputSchema is not a JSON object');
  const jsonSchema = { ...(schema as Record<string, unknown>) };
  if (jsonSchema.type === undefined) jsonSchema.type = 'object';
  if (jsonSchema.type !== 'object')
    throw new Error(`inputSchema.type is ${JSON.stringify(jsonSchema.type)}, expected "object"`);
  const properties = jsonSchema.properties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    throw new Error('inputSchema.properties is not an object');
  for (const [key, value] of Object.entries(properties))
    if (typeof value !== 'object' && typeof value !== 'boolean')
      throw new Error(`inputSchema.properties.${key} is not a schema`);
  jsonSchema.properties = properties;
  if (
    jsonSchema.required !== undefined &&
    !(Array.isArray(jsonSchema.required) && jsonSchema.required.every((r) => typeof r === 'string'))
  )
    throw new Error('inputSchema.required is not an array of strings');
  let compiled: z.ZodType;
  try {
    compiled = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new Error(
      `inputSchema cannot be compiled: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { jsonSchema, zod: compiled };
}

function isConnectionFailure(error: unknown): boolean {
  if (error instanceof McpError && (error as McpError).code === ErrorCode.ConnectionClosed) return true;
  const text = `${(error as { message?: string })?.message ?? ''} ${(error as { code?: unknown })?.code ?? ''} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  return /ECONNREFUSED|ECONNRESET|fetch failed|Not connected|Session not found|HTTP 404|socket hang up|Connection closed|EPIPE/i.test(
    text,
  );
}

function toHearthContent(item: Record<string, unknown>): ToolResultContent {
  if (item.type === 'text') return { type: 'text', text: String(item.text ?? '') };
  if (item.type === 'image' || item.type === 'audio')
    return {
      type: item.type,
      bytes: base64ToBytes(String(item.data ?? '')),
      mimeType: String(item.mimeType ?? 'application/octet-stream'),
    };
  if (item.type === 'resource') {
    const { blob, ...resource } = item.resource as {
      uri: string;
      mimeType?: string;
      text?: string;
      blob?: string;
    };
    return {
      type: 'resource',
      resource: blob === undefined ? resource : { ...resource, bytes: base64ToBytes(blob) },
    };
  }
  if (item.type === 'resource_link')
    return {
      type: 'text',
      text: `[resource link ${String(item.uri)}${item.name ? ` (${String(item.name)})` : ''}]`,
    };
  return { type: 'text', text: JSON.stringify(item) };
}

/** What this client offers the server besides calling its tools; each is off unless given. */
export interface McpClientOptions {
  /**
   * Answer the server's `sampling/createMessage` requests from a local engine, so the server can use
   * the model on this machine. Opt-in: every request is capped (`maxTokens`), answered one at a time,
   * and counted against `maxRequests`.
   */
  sampling?: McpSamplingOptions;
  /**
   * Answer the server's `elicitation/create` form requests (a person filling in what the server asks).
   * Fields left out of an accepted answer get the defaults the server's schema gives them.
   */
  elicit?(request: { message: string; requestedSchema: Record<string, unknown> }): Promise<{
    action: 'accept' | 'decline' | 'cancel';
    content?: Record<string, string | number | boolean | string[]>;
  }>;
}

/**
 * A connection to one MCP server (stdio or Streamable HTTP) that reconnects on demand: when the server
 * restarted (stdio process gone, HTTP session lost or refused), the next call connects afresh and retries
 * once. Calls that get no answer within `timeoutMs` fail with `ToolTimeoutError`.
 */
export class McpClientConnection {
  readonly config: McpServerConfig;
  readonly #options: McpClientOptions;
  /** One sampling handler for the connection's life, so its limits hold across reconnects. */
  readonly #answerSampling: ReturnType<typeof samplingHandler> | undefined;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  /** Progress callbacks by token. Ours, not the SDK's: the SDK drops a progress notification that arrives
   *  in the same chunk as its response (the response removes the handler before the notification runs). */
  readonly #progress = new Map<string, (progress: number, total?: number, message?: string) => void>();
  #nextProgressToken = 0;

  constructor(config: McpServerConfig, options: McpClientOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#answerSampling = options.sampling ? samplingHandler(options.sampling) : undefined;
  }

  get timeoutMs(): number {
    return this.config.timeoutMs ?? 60_000;
  }

  #transport(): Transport {
    const config = this.config;
    if ('command' in config)
      return new StdioClientTransport({
        command: config.command,
        args: config.args ?? [],
        env: { ...getDefaultEnvironment(), ...(config.env ?? {}) },
        ...(config.cwd ? { cwd: config.cwd } : {}),
        stderr: 'pipe',
      });
    const headers: Record<string, string> = { ...(config.headers ?? {}) };
    if (config.token) headers.authorization = `Bearer ${config.token}`;
    return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers } });
  }

  /** Connects (or returns the live client). Throws `McpConnectionError` naming the server. */
  async connect(): Promise<Client> {
    if (this.#client) return this.#client;
    this.#connecting ??= (async () => {
      const { elicit } = this.#options;
      const answerSampling = this.#answerSampling;
      const client = new Client(
        { name: 'hearth', version: packageJson.version },
        {
          capabilities: {
            ...(answerSampling ? { sampling: {} } : {}),
            ...(elicit ? { elicitation: { form: { applyDefaults: true } } } : {}),
          },
        },
      );
      if (answerSampling) client.setRequestHandler(CreateMessageRequestSchema, answerSampling);
      if (elicit)
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          if (request.params.mode === 'url')
            throw new McpError(
              ErrorCode.InvalidParams,
              'This client answers form elicitation only, not URL mode.',
            );
          return elicit({ message: request.params.message, requestedSchema: request.params.requestedSchema });
        });
      client.setNotificationHandler(ProgressNotificationSchema, (notification) => {
        const { progressToken, progress, total, message } = notification.params;
        this.#progress.get(String(progressToken))?.(progress, total, message);
      });
      client.onclose = () => {
        if (this.#client === client) this.#client = undefined;
      };
      try {
        await client.connect(this.#transport(), { timeout: this.timeoutMs });
      } catch (error) {
        await client.close().catch(() => {});
        const where = 'command' in this.config ? `command "${this.config.command}"` : this.config.url;
        throw new McpConnectionError(
          `Cannot connect to MCP server "${this.config.name}" (${where}): ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      this.#client = client;
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #withReconnect<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      return await operation(client);
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      await this.#drop(client);
      return operation(await this.#reconnect());
    }
  }

  /** Connects again after a failure, a few times: a restarting server (or a stale pooled socket) needs a moment. */
  async #reconnect(): Promise<Client> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connect();
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  async #drop(client: Client): Promise<void> {
    if (this.#client === client) this.#client = undefined;
    await client.close().catch(() => {});
  }

  /** The server's tools as it describes them. */
  async listRemoteTools(): Promise<RemoteToolInfo[]> {
    return this.#withReconnect(async (client) => {
      const tools: RemoteToolInfo[] = [];
      let cursor: string | undefined;
      do {
        // A lenient schema: one malformed tool must not make the whole listing fail validation.
        const page = await client.request(
          { method: 'tools/list', params: cursor ? { cursor } : {} },
          lenientToolList,
          { timeout: this.timeoutMs },
        );
        for (const tool of page.tools) {
          const entry = (typeof tool === 'object' && tool !== null ? tool : {}) as Record<string, unknown>;
          tools.push({
            name: String(entry.name ?? ''),
            description: typeof entry.description === 'string' ? entry.description : '',
            inputSchema: entry.inputSchema as Record<string, unknown>,
          });
        }
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    });
  }

  /** Calls a remote tool; progress notifications reach `onProgress`. */
  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: {
      signal?: AbortSignal;
      onProgress?: (progress: number, total?: number, message?: string) => void;
      timeoutMs?: number;
    } = {},
  ): Promise<ToolResult> {
    const timeout = options.timeoutMs ?? this.timeoutMs;
    const progressToken = `hearth-${++this.#nextProgressToken}`;
    if (options.onProgress) this.#progress.set(progressToken, options.onProgress);
    try {
      const result = await this.#withReconnect((client) =>
        client.callTool(
          { name, arguments: args, ...(options.onProgress ? { _meta: { progressToken } } : {}) },
          undefined,
          { timeout, ...(options.signal ? { signal: options.signal } : {}) },
        ),
      );
      const content = Array.isArray(result.content)
        ? (result.content as Record<string, unknown>[]).map(toHearthContent)
        : [];
      const out: ToolResult = { content };
      if (result.structuredContent)
        out.structuredContent = result.structuredContent as Record<string, unknown>;
      if (result.isError) out.isError = true;
      return out;
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout)
        throw new ToolTimeoutError(
          `MCP server "${this.config.name}" did not answer tool "${name}" within ${timeout} ms.`,
          { cause: error },
        );
      throw error;
    } finally {
      this.#progress.delete(progressToken);
    }
  }

  /**
   * The server's tools as ordinary Hearth tools. A tool whose schema is malformed is left out with a
   * warning; the other tools still work.
   */
  async tools(): Promise<McpToolsResult> {
    const prefix = this.config.toolPrefix ?? '';
    const tools: ToolDefinition[] = [];
    const warnings: string[] = [];
    for (const remote of await this.listRemoteTools()) {
      try {
        if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(remote.name))
          throw new Error('the name is not a valid tool name');
        const { jsonSchema, zod } = normalizeRemoteSchema(remote.inputSchema);
        tools.push(
          defineTool({
            name: `${prefix}${remote.name}`,
            description: remote.description || `${remote.name} (from MCP server ${this.config.name})`,
            input: zod,
            inputJsonSchema: jsonSchema,
            timeoutMs: this.timeoutMs,
            run: (input, context) =>
              this.callTool(remote.name, input as Record<string, unknown>, {
                signal: context.signal,
                onProgress: context.reportProgress,
              }),
          }),
        );
      } catch (error) {
        warnings.push(
          `MCP server "${this.config.name}": tool "${remote.name}" disabled: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return { tools, warnings };
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => {});
  }
}
