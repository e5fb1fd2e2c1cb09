import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  type GetPromptResult,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  type PromptArgument,
  ReadResourceRequestSchema,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** One resource's contents as MCP sends them: `text`, or binary as base64 `blob`. */
export type McpResourceContents = ReadResourceResult['contents'][number];

/**
 * A family of resources a server offers (a folder's files, run reports): the direct ones it lists,
 * the URI templates it understands, how to read one URI, and optionally completion for template
 * variables and watching a URI for changes (`resources/subscribe`).
 */
export interface McpResourceSource {
  /** Direct resources for `resources/list` (keep it short: templates cover the rest). */
  list(): Promise<Resource[]> | Resource[];
  templates?: ResourceTemplate[];
  /**
   * The contents of `uri`, or `undefined` when `uri` is not this source's. Throw for a URI that is
   * this source's but refused or missing: the client gets the error's message as an InvalidParams error.
   */
  read(uri: string, signal: AbortSignal): Promise<McpResourceContents[] | undefined>;
  /** Values for a variable of one of `templates`, given what the user typed so far. */
  complete?(
    uriTemplate: string,
    variable: string,
    value: string,
    context: Record<string, string>,
  ): Promise<string[]> | string[];
  /**
   * Starts watching `uri` (one of this source's) and calls `onChange` when it changes; returns the
   * function that stops. Returns `undefined` for a URI that is not this source's.
   */
  watch?(uri: string, onChange: () => void): Promise<(() => void) | undefined>;
}

/**
 * The name a resource URI holds after `prefix`, percent-decoded, or `undefined` when `uri` is not under
 * `prefix` (another source's): the first step of `read` for a source whose template is `<prefix>{name}`.
 */
export function nameInResourceUri(uri: string, prefix: string): string | undefined {
  return uri.startsWith(prefix) ? decodeURIComponent(uri.slice(prefix.length)) : undefined;
}

/** A `read` answer that is one JSON document: `value`, indented for a person reading it. */
export function jsonResourceContents(uri: string, value: unknown): McpResourceContents[] {
  return [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }];
}

/** A prompt a server offers: its arguments (strings, as MCP defines them) and the messages they give. */
export interface McpPrompt {
  name: string;
  title?: string;
  description: string;
  arguments?: PromptArgument[];
  /** The messages for these arguments (required ones are checked before this is called). */
  get(args: Record<string, string>): Promise<GetPromptResult> | GetPromptResult;
  /** Values for one argument, given what the user typed so far and the other arguments. */
  complete?(argument: string, value: string, context: Record<string, string>): Promise<string[]> | string[];
}

/** Completion answers hold at most 100 values (the protocol's limit); `total` says how many matched. */
const maxCompletionValues = 100;
/** Subscriptions one connection may hold, so a client cannot open a watcher per file in the root. */
const maxSubscriptions = 64;

/** The capabilities a server with these sources and prompts declares. */
export function featureCapabilities(sources: McpResourceSource[], prompts: McpPrompt[]) {
  const hasCompletion =
    prompts.some((prompt) => prompt.complete) || sources.some((source) => source.complete);
  return {
    ...(sources.length > 0
      ? { resources: { listChanged: false, subscribe: sources.some((source) => source.watch) } }
      : {}),
    ...(prompts.length > 0 ? { prompts: { listChanged: false } } : {}),
    ...(hasCompletion ? { completions: {} } : {}),
  };
}

function completionResult(values: string[]) {
  return {
    completion: {
      values: values.slice(0, maxCompletionValues),
      total: values.length,
      hasMore: values.length > maxCompletionValues,
    },
  };
}

/**
 * Answers `resources/*`, `prompts/*` and `completion/complete` from `sources` and `prompts` on one
 * server (one connection): reads go to the first source that owns the URI; an unknown URI or prompt
 * and a missing required argument are protocol errors naming what was wrong.
 */
export function installServerFeatures(
  server: Server,
  sources: McpResourceSource[],
  prompts: McpPrompt[],
): void {
  const promptsByName = new Map(prompts.map((prompt) => [prompt.name, prompt]));
  if (sources.length > 0) {
    server.setRequestHandler(ListResourcesRequestSchema, async () => ({
      resources: (await Promise.all(sources.map((source) => source.list()))).flat(),
    }));
    server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
      resourceTemplates: sources.flatMap((source) => source.templates ?? []),
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
      const { uri } = request.params;
      for (const source of sources) {
        const contents = await source.read(uri, extra.signal).catch((error: unknown) => {
          if (error instanceof McpError) throw error;
          throw new McpError(
            ErrorCode.InvalidParams,
            `${uri} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
        if (contents) return { contents };
      }
      throw new McpError(
        ErrorCode.InvalidParams,
        `Unknown resource ${JSON.stringify(uri)}: ${knownUris(sources)}`,
      );
    });
  }
  if (sources.some((source) => source.watch)) {
    const subscriptions = new Map<string, () => void>();
    server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      const { uri } = request.params;
      if (subscriptions.has(uri)) return {};
      if (subscriptions.size >= maxSubscriptions)
        throw new McpError(
          ErrorCode.InvalidParams,
          `Too many subscriptions (${maxSubscriptions}): unsubscribe from one before watching ${uri}.`,
        );
      for (const source of sources) {
        const stop = await source
          .watch?.(uri, () => {
            server.sendResourceUpdated({ uri }).catch(() => {});
          })
          .catch((error: unknown) => {
            throw new McpError(
              ErrorCode.InvalidParams,
              `${uri} cannot be watched: ${error instanceof Error ? error.message : String(error)}`,
            );
          });
        if (stop) {
          subscriptions.set(uri, stop);
          return {};
        }
      }
      throw new McpError(
        ErrorCode.InvalidParams,
        `Resource ${JSON.stringify(uri)} cannot be watched: ${knownUris(sources)}`,
      );
    });
    server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
      subscriptions.get(request.params.uri)?.();
      subscriptions.delete(request.params.uri);
      return {};
    });
    const previousOnClose = server.onclose;
    server.onclose = () => {
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
      previousOnClose?.();
    };
  }
  if (prompts.length > 0) {
    server.setRequestHandler(ListPromptsRequestSchema, async () => ({
      prompts: prompts.map(({ name, title, description, arguments: args }) => ({
        name,
        ...(title ? { title } : {}),
        description,
        ...(args ? { arguments: args } : {}),
      })),
    }));
    server.setRequestHandler(GetPromptRequestSchema, async (request) => {
      const { name, arguments: args = {} } = request.params;
      const prompt = promptsByName.get(name);
      if (!prompt)
        throw new McpError(
          ErrorCode.InvalidParams,
          `Unknown prompt "${name}". Known prompts: ${[...promptsByName.keys()].sort().join(', ')}.`,
        );
      const missing = (prompt.arguments ?? []).filter((arg) => arg.required && !args[arg.name]);
      if (missing.length > 0)
        throw new McpError(
          ErrorCode.InvalidParams,
          `Prompt "${name}" needs the argument${missing.length > 1 ? 's' : ''} ${missing.map((arg) => arg.name).join(', ')}.`,
        );
      return prompt.get(args);
    });
  }
  if (featureCapabilities(sources, prompts).completions) {
    server.setRequestHandler(CompleteRequestSchema, async (request) => {
      const { ref, argument, context } = request.params;
      const others = context?.arguments ?? {};
      if (ref.type === 'ref/prompt') {
        const prompt = promptsByName.get(ref.name);
        if (!prompt) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt "${ref.name}".`);
        return completionResult((await prompt.complete?.(argument.name, argument.value, others)) ?? []);
      }
      for (const source of sources)
        if (source.templates?.some((template) => template.uriTemplate === ref.uri))
          return completionResult(
            (await source.complete?.(ref.uri, argument.name, argument.value, others)) ?? [],
          );
      throw new McpError(ErrorCode.InvalidParams, `Unknown resource template ${JSON.stringify(ref.uri)}.`);
    });
  }
}

function knownUris(sources: McpResourceSource[]): string {
  const templates = sources.flatMap((source) => source.templates ?? []).map((t) => t.uriTemplate);
  return templates.length > 0
    ? `list them with resources/list, or use the templates ${templates.join(', ')}.`
    : 'list them with resources/list.';
}
