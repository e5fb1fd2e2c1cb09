import { createRequire } from 'node:module';
import {
  errorResult,
  ToolInputError,
  ToolNotFoundError,
  type ToolRegistry,
  type ToolResult,
  ToolTimeoutError,
  toolInputJsonSchema,
} from '@hearth/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type LoggingLevel,
  McpError,
  SetLevelRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { bytesToBase64 } from './media-base64.js';

const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };
const logLevels: LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

/** A tool result as MCP sends it: media bytes become base64 `data` (image, audio) or `blob` (resources). */
function toMcpToolResult(result: ToolResult): CallToolResult {
  return {
    ...result,
    content: result.content.map((item): CallToolResult['content'][number] => {
      if (item.type === 'image' || item.type === 'audio')
        return { type: item.type, data: bytesToBase64(item.bytes), mimeType: item.mimeType };
      if (item.type === 'resource') {
        const { bytes, ...resource } = item.resource;
        return bytes === undefined
          ? { type: 'resource', resource: { ...resource, text: resource.text ?? '' } }
          : { type: 'resource', resource: { ...resource, blob: bytesToBase64(bytes) } };
      }
      return item;
    }),
  };
}

export interface McpServerOptions {
  /** Server name reported to clients (default `hearth`). */
  name?: string;
  version?: string;
}

/**
 * An MCP server (low-level SDK `Server`) exposing every tool of `registry`: `tools/list` and
 * `tools/call` with progress notifications (when the client sends a progress token), cancellation
 * (`notifications/cancelled` aborts the tool) and log messages. Any registry works, so agents
 * registered as tools are served the same way. One server serves one connection.
 */
export function createMcpServer(registry: ToolRegistry, options: McpServerOptions = {}): Server {
  const server = new Server(
    { name: options.name ?? 'hearth', version: options.version ?? packageJson.version },
    { capabilities: { tools: { listChanged: false }, logging: {} } },
  );
  let minimumLevel: LoggingLevel = 'info';
  server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    minimumLevel = request.params.level;
    return {};
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: registry.list().map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: toolInputJsonSchema(tool) as { type: 'object' },
      annotations: {
        readOnlyHint: !tool.requiresApproval,
        destructiveHint: tool.requiresApproval === true,
      },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    const progressToken = request.params._meta?.progressToken;
    // Notifications are sent asynchronously; the result must not overtake the last of them.
    const pending: Promise<unknown>[] = [];
    const notify = (notification: Parameters<typeof extra.sendNotification>[0]) => {
      pending.push(extra.sendNotification(notification).catch(() => {}));
    };
    try {
      const result = await registry.call(name, args ?? {}, {
        signal: extra.signal,
        onProgress: (progress, total, message) => {
          if (progressToken === undefined) return;
          notify({
            method: 'notifications/progress',
            params: {
              progressToken,
              progress,
              ...(total === undefined ? {} : { total }),
              ...(message ? { message } : {}),
            },
          });
        },
        onLog: (level, message) => {
          if (logLevels.indexOf(level) < logLevels.indexOf(minimumLevel)) return;
          notify({ method: 'notifications/message', params: { level, logger: name, data: message } });
        },
      });
      await Promise.all(pending);
      return toMcpToolResult(result);
    } catch (error) {
      // Unknown tools and bad arguments are protocol errors (the client asked for something invalid);
      // a timeout is a tool failure the model should see.
      if (ToolNotFoundError.isInstance(error) || ToolInputError.isInstance(error))
        throw new McpError(ErrorCode.InvalidParams, error.message);
      if (ToolTimeoutError.isInstance(error)) return toMcpToolResult(errorResult(error.message));
      throw error;
    }
  });
  return server;
}

/**
 * Serves a registry over stdio (for Claude Desktop, IDEs, the MCP inspector). Resolves when stdin closes.
 * Everything the tools log must go to stderr: stdout carries the protocol.
 */
export async function serveStdio(registry: ToolRegistry, options: McpServerOptions = {}): Promise<void> {
  const server = createMcpServer(registry, options);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
}
