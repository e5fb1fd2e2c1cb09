import { createRequire } from 'node:module';
import {
  type ApprovalRequest,
  type Approver,
  approveAll,
  describeApprovalRequest,
  describeEffects,
  errorResult,
  type ToolCaller,
  type ToolDefinition,
  ToolInputError,
  ToolNotFoundError,
  type ToolRegistry,
  type ToolResult,
  ToolTimeoutError,
  toolCallApprovalRequest,
  toolEffects,
  toolInputJsonSchema,
  toolNeedsApproval,
} from '@hearth/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  type ClientCapabilities,
  type ElicitRequestFormParams,
  ErrorCode,
  ListToolsRequestSchema,
  type LoggingLevel,
  McpError,
  type ServerNotification,
  type ServerRequest,
  SetLevelRequestSchema,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { bytesToBase64 } from './media-base64.js';
import {
  featureCapabilities,
  installServerFeatures,
  type McpPrompt,
  type McpResourceSource,
} from './server-features.js';

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
  /**
   * How calls that need approval are decided: tools that write or run programs, and agents and
   * workflows that use such tools (including their pauses mid-run). `ask` (default): ask the client
   * through MCP elicitation, run only on an explicit accept, refuse when the client cannot be asked.
   * `approve-all` (`hearth mcp serve --approve-all`): run them unasked; dangerous, since then any
   * client may write files and run the allowed commands.
   */
  approvals?: 'ask' | 'approve-all';
  /** How long to wait for the client's answer to an approval question (default 10 minutes); no answer is a refusal. */
  approvalTimeoutMs?: number;
  /** Resources (`resources/list`, `read`, templates, `subscribe`): run reports, files under a root. */
  resources?: McpResourceSource[];
  /** Prompts (`prompts/list`, `get`): an agent's instructions with its input as arguments. */
  prompts?: McpPrompt[];
  /** How long a tool's question to the client (elicitation, sampling) may wait (default: `approvalTimeoutMs`). */
  callerTimeoutMs?: number;
}

/** The flag named in refusals, so whoever reads one knows how the server's owner could allow it. */
const approveAllFlag = 'hearth mcp serve --approve-all';
const defaultApprovalTimeoutMs = 10 * 60_000;

/**
 * MCP annotations from the tool's effects, and only what is known: a tool that declared no effects
 * claims nothing beyond what its approval need implies (not read-only; the open world and
 * idempotence left at the protocol's cautious defaults). A declared tool is `readOnlyHint` only when
 * it neither writes, runs programs nor reaches the network and needs no approval; `destructiveHint`
 * when it needs approval (it writes or runs); `openWorldHint` when it reaches the network;
 * `idempotentHint` only for a read-only one (a repeated write or run may change more each time).
 */
export function toolAnnotations(tool: ToolDefinition): ToolAnnotations {
  const effects = toolEffects(tool);
  const needsApproval = toolNeedsApproval(tool);
  if (!effects.declared) return { readOnlyHint: false, destructiveHint: needsApproval };
  const readOnly = !needsApproval && !effects.writes && !effects.runs && !effects.network;
  return {
    readOnlyHint: readOnly,
    destructiveHint: needsApproval,
    idempotentHint: readOnly,
    openWorldHint: effects.network,
  };
}

type RequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Whether the client can be asked a form question (the SDK reads an older client's `elicitation: {}` as form). */
const canElicit = (capabilities: ClientCapabilities | undefined) =>
  capabilities?.elicitation?.form !== undefined;

/**
 * What a tool may ask the client that called it, on that call's own request (so no other session
 * sees it): only what the client declared. A tool that needs a person or a model the client does
 * not offer finds the method absent and says so in its result.
 */
function toolCaller(server: Server, extra: RequestExtra, timeoutMs: number): ToolCaller {
  const capabilities = server.getClientCapabilities();
  const options = { relatedRequestId: extra.requestId, signal: extra.signal, timeout: timeoutMs };
  return {
    ...(canElicit(capabilities)
      ? {
          elicit: async ({ message, requestedSchema }) => {
            const answer = await server.elicitInput(
              {
                mode: 'form',
                message,
                requestedSchema: requestedSchema as ElicitRequestFormParams['requestedSchema'],
              },
              options,
            );
            return { action: answer.action, ...(answer.content ? { content: answer.content } : {}) };
          },
        }
      : {}),
    ...(capabilities?.sampling
      ? {
          sample: async ({ messages, maxTokens, systemPrompt }) => {
            const answer = await server.createMessage(
              {
                messages: messages.map(({ role, text }) => ({ role, content: { type: 'text', text } })),
                maxTokens,
                ...(systemPrompt ? { systemPrompt } : {}),
              },
              options,
            );
            const content = Array.isArray(answer.content) ? answer.content : [answer.content];
            const text = content.map((part) => (part.type === 'text' ? part.text : '')).join('');
            return { text, model: answer.model };
          },
        }
      : {}),
  };
}

/** The client's answer to one approval question: approved only on an explicit accept with `approve: true`. */
async function askClient(
  server: Server,
  extra: RequestExtra,
  request: ApprovalRequest,
  /** Why it is asked, one sentence for the person: what the call does, or which run paused for it. */
  reason: string,
  timeoutMs: number,
): Promise<{ approved: true } | { approved: false; why: string }> {
  if (!canElicit(server.getClientCapabilities()))
    return {
      approved: false,
      why: `this MCP client cannot be asked (it did not declare the elicitation capability), and a call from a client is not consent. A client that supports elicitation is asked each time; the server's owner can allow such calls unasked with \`${approveAllFlag}\` (dangerous: any client may then write files and run the allowed commands).`,
    };
  try {
    const answer = await server.elicitInput(
      {
        mode: 'form',
        message: `Allow ${request.source} to call ${describeApprovalRequest(request)}? ${reason} Only this call is approved.`,
        requestedSchema: {
          type: 'object',
          properties: {
            approve: { type: 'boolean', title: 'Approve this call', description: 'true runs it once' },
          },
          required: ['approve'],
        },
      },
      { relatedRequestId: extra.requestId, signal: extra.signal, timeout: timeoutMs },
    );
    if (answer.action === 'accept' && answer.content?.approve === true) return { approved: true };
    return {
      approved: false,
      why:
        answer.action === 'accept'
          ? 'the client answered without approving (approve was not true).'
          : `the client ${answer.action === 'decline' ? 'declined' : 'cancelled'} it.`,
    };
  } catch (error) {
    if (extra.signal.aborted) throw error;
    const timedOut = error instanceof McpError && error.code === ErrorCode.RequestTimeout;
    return {
      approved: false,
      why: timedOut
        ? `the client did not answer within ${Math.round(timeoutMs / 1000)} s.`
        : `asking the client failed: ${error instanceof Error ? error.message : String(error)}.`,
    };
  }
}

/** The approver for pauses inside one client's call: it asks that client, on that call's request. */
function clientApprover(server: Server, extra: RequestExtra, timeoutMs: number): Approver {
  return {
    decide: async (request) => {
      const reason = 'The run you started paused before this step.';
      const answer = await askClient(server, extra, request, reason, timeoutMs);
      return { approve: answer.approved };
    },
  };
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
    {
      capabilities: {
        tools: { listChanged: false },
        logging: {},
        ...featureCapabilities(options.resources ?? [], options.prompts ?? []),
      },
    },
  );
  installServerFeatures(server, options.resources ?? [], options.prompts ?? []);
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
      annotations: toolAnnotations(tool),
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
    const approveAllCalls = options.approvals === 'approve-all';
    const timeoutMs = options.approvalTimeoutMs ?? defaultApprovalTimeoutMs;
    const tool = registry.has(name) ? registry.get(name) : undefined;
    // Bad arguments are refused before anyone is asked; the approved arguments are the ones that run.
    if (tool && !approveAllCalls && toolNeedsApproval(tool) && tool.input.safeParse(args ?? {}).success) {
      const request = toolCallApprovalRequest('an MCP client', name, args ?? {});
      const reason = `It ${describeEffects(toolEffects(tool))}.`;
      const answer = await askClient(server, extra, request, reason, timeoutMs);
      if (!answer.approved)
        return toMcpToolResult(errorResult(`refused ${name}: it needs approval and ${answer.why}`));
    }
    try {
      const result = await registry.call(name, args ?? {}, {
        approver: approveAllCalls ? approveAll : clientApprover(server, extra, timeoutMs),
        caller: toolCaller(server, extra, options.callerTimeoutMs ?? timeoutMs),
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
    const previousOnClose = server.onclose;
    server.onclose = () => {
      previousOnClose?.();
      resolve();
    };
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => {});
}
