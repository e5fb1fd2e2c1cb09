import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { HearthConfigError } from '../errors/hearth-config-error.js';

const serverName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" or "-"');
const common = {
  timeoutMs: z.number().int().positive().optional(),
  toolPrefix: z.string().optional(),
};
const stdioServer = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  ...common,
});
const httpServer = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  token: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  ...common,
});

/** One external MCP server: spawned over stdio (`command`) or reached over Streamable HTTP (`url`). */
export type McpServerConfig =
  | {
      name: string;
      command: string;
      args?: string[];
      env?: Record<string, string>;
      cwd?: string;
      timeoutMs?: number;
      toolPrefix?: string;
    }
  | {
      name: string;
      url: string;
      token?: string;
      headers?: Record<string, string>;
      timeoutMs?: number;
      toolPrefix?: string;
    };

/**
 * `hearth.config.json`: the MCP servers an agent may use (same shape as Claude Desktop's `mcpServers`,
 * plus `url`/`token` for HTTP servers), options for the built-in tools, and the project's own tool
 * folders, agents and workflows.
 */
export const hearthConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  mcpServers: z
    .record(
      serverName,
      z.union([stdioServer, httpServer], { error: 'give either "command" (stdio) or "url" (HTTP)' }),
    )
    .default({}),
  tools: z
    .strictObject({
      fsRoot: z.string().optional(),
      shell: z.strictObject({ allow: z.array(z.string().min(1)) }).optional(),
      http: z.strictObject({ allowHosts: z.array(z.string().min(1)) }).optional(),
      dirs: z.array(z.string()).optional(),
    })
    .default({}),
  /** Modules (files or folders of them) whose exported agents `hearth mcp serve` serves as tools and `hearth run` finds by name. */
  agents: z.array(z.string().min(1)).optional(),
  /** Modules (files or folders of them) whose exported workflows are served and run the same way. */
  workflows: z.array(z.string().min(1)).optional(),
});

export type HearthConfig = z.infer<typeof hearthConfigSchema>;

/** Parses a config object; paths in it are resolved against `baseDir`. Throws `HearthConfigError` naming the bad field. */
export function parseHearthConfig(
  value: unknown,
  baseDir: string,
  source = 'hearth.config.json',
): HearthConfig {
  const parsed = hearthConfigSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new HearthConfigError('CONFIG_INVALID', `${source} is invalid:\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  if (config.tools.fsRoot) config.tools.fsRoot = resolve(baseDir, config.tools.fsRoot);
  if (config.tools.dirs) config.tools.dirs = config.tools.dirs.map((dir) => resolve(baseDir, dir));
  if (config.agents) config.agents = config.agents.map((path) => resolve(baseDir, path));
  if (config.workflows) config.workflows = config.workflows.map((path) => resolve(baseDir, path));
  for (const server of Object.values(config.mcpServers))
    if ('cwd' in server && server.cwd) server.cwd = resolve(baseDir, server.cwd);
  return config;
}

/** Reads and validates a `hearth.config.json` file. */
export async function loadHearthConfig(path = 'hearth.config.json'): Promise<HearthConfig> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HearthConfigError(
      'CONFIG_UNREADABLE',
      `Cannot read config file ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HearthConfigError('CONFIG_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseHearthConfig(value, dirname(file), file);
}

/** The config's servers as client configs (`name` filled in from the key). */
export function mcpServersFromConfig(config: HearthConfig): McpServerConfig[] {
  return Object.entries(config.mcpServers).map(([name, server]) => ({ name, ...server }) as McpServerConfig);
}
