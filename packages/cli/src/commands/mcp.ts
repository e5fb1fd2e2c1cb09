import { dirname, resolve } from 'node:path';
import {
  type HearthConfig,
  loadToolsFromDirectory,
  type McpServerConfig,
  mcpServersFromConfig,
  RunTarget,
  ToolRegistry,
  toolInputJsonSchema,
} from '@hearth/core';
import {
  agentPrompts,
  McpClientConnection,
  type McpServerOptions,
  runTargetResources,
  serveHttp,
  serveStdio,
} from '@hearth/mcp';
import { builtinTools } from '@hearth/tools';
import type { Command } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { integerOption } from '../number-option.js';
import { printJson } from '../output.js';
import { exampleTargets, projectTargets } from '../run/load-target.js';
import { listLocalRuns, showLocalRun } from '../run/local-runs.js';
import { projectConfigPath, readProjectConfig } from '../run/project-config.js';
import { servedTargetTools } from '../run/served-targets.js';
import { registerUserModuleHooks } from '../run/user-modules.js';
import { registerMcpConfigCommand } from './mcp-config.js';
import { fileResources, runReportResources } from './mcp-resources.js';

const collect = (value: string, previous: string[]) => [...previous, value];

interface ServeOptions {
  http?: boolean;
  host: string;
  port: number;
  token?: string;
  allowedHost: string[];
  allowedOrigin: string[];
  maxSessions: number;
  maxSessionsPerClient: number;
  sessionIdleTimeout: number;
  tools: string[];
  fsRoot?: string;
  shellAllow: string[];
  httpAllow: string[];
  browser: boolean;
  config?: string;
  maxBodyBytes: number;
  agents: boolean;
  model?: string;
  approveAll?: boolean;
}

function announce(line: string): void {
  process.stderr.write(`hearth mcp: ${line}\n`);
}

/**
 * Where the fs_* tools are rooted: --fs-root, the config's tools.fsRoot, the project folder (the one
 * holding the config), else the working directory, but never `/` by default: a desktop client starts
 * servers there, and a server rooted at `/` would hand the whole disk to every client.
 */
function fsRootFor(options: ServeOptions, config: HearthConfig | undefined): string {
  if (options.fsRoot) return resolve(options.fsRoot);
  if (config?.tools.fsRoot) return config.tools.fsRoot;
  if (config) return dirname(projectConfigPath(options.config));
  const cwd = process.cwd();
  if (cwd === '/')
    throw new UsageError(
      'refusing to serve the fs tools rooted at / (the working directory, as desktop clients start servers): pass --fs-root <dir> or --config <project>/hearth.config.json',
    );
  return cwd;
}

/** `hearth mcp serve` and `hearth mcp tools`. */
export function registerMcpCommand(program: Command): void {
  const mcp = program
    .command('mcp')
    .description('serve Hearth tools over MCP, or inspect the MCP servers an agent may use');

  mcp
    .command('serve')
    .description(
      "serve the built-in tools (and tool modules from --tools directories) over MCP: stdio by default, Streamable HTTP with --http. Also resources (files under the fs root as hearth-fs:///<path>, reports of runs in it as hearth-run://<id>, the served agents and workflows as hearth-target://<name>), each agent's instructions as a prompt, and completion for them",
    )
    .option('--http', 'serve Streamable HTTP instead of stdio')
    .option('--host <host>', 'HTTP interface to bind; non-loopback addresses need --token', '127.0.0.1')
    .option('--port <n>', 'HTTP port (0 picks a free one)', integerOption('a port', 0, 65535), 3333)
    .option(
      '--token <token>',
      'bearer token HTTP clients must send, at least 16 characters (or HEARTH_MCP_TOKEN)',
    )
    .option(
      '--allowed-host <host>',
      'a name or address HTTP clients reach the server by (checked in the Host header; loopback names and the bound address always are); repeatable',
      collect,
      [],
    )
    .option(
      '--allowed-origin <origin>',
      'a web origin (https://app.example) whose pages may call the server; repeatable',
      collect,
      [],
    )
    .option('--max-sessions <n>', 'most concurrent HTTP sessions', integerOption('a session count', 1), 64)
    .option(
      '--max-sessions-per-client <n>',
      'most concurrent HTTP sessions one client address may hold',
      integerOption('a session count', 1),
      16,
    )
    .option(
      '--session-idle-timeout <seconds>',
      'close an HTTP session after this long without a request',
      integerOption('a number of seconds', 1),
      1800,
    )
    .option(
      '--tools <dir>',
      'also serve the tool modules in this directory (.js, or .ts via tsx); repeatable',
      collect,
      [],
    )
    .option(
      '--fs-root <dir>',
      "root directory of the fs_* tools (default: the config's tools.fsRoot, else the folder holding the config, else the current directory; a server started in / with no config refuses to start without --fs-root)",
    )
    .option('--shell-allow <command>', 'enable the shell tool for this command name; repeatable', collect, [])
    .option(
      '--http-allow <host>',
      'a host (or *.domain) http_fetch and the browser tools may reach; enables http_fetch. Without it the browser reaches public addresses only; loopback, private and link-local ones need an exact entry; repeatable',
      collect,
      [],
    )
    .option('--no-browser', 'leave out the browser_screenshot and browser_text tools')
    .option(
      '--config <file>',
      'hearth.config.json to read tool options from (default: ./hearth.config.json if present; the modules in its tools.dirs run when the server starts)',
    )
    .option(
      '--max-body-bytes <bytes>',
      'largest HTTP request body accepted, in bytes',
      integerOption('a size in bytes', 1, 1024 * 1024 * 1024),
      1024 * 1024,
    )
    .option(
      '--no-agents',
      'leave out the example agents and workflows (each served as a tool that runs it); a config that declares its own agents or workflows serves those instead of the examples',
    )
    .option('--model <preset|path>', "model the served agents and workflows run on (default: each one's own)")
    .option(
      '--approve-all',
      'DANGEROUS: run calls that need approval (fs_write, shell, workflows that write) without asking; by default the client is asked through MCP elicitation and calls are refused when it cannot be asked. The shell stays sandboxed',
    )
    .addHelpText(
      'after',
      "\nA hearth.config.json in the working directory is read without --config, and the tool modules in its\ntools.dirs (like --tools directories) and the modules in its agents and workflows are imported and run\nwhen the server starts: serve only from a folder you trust. The config file, each tools directory and\nthe tools it added are printed on stderr. The project's agents and workflows are served as tools (and\nagent.asTool() exported from a tools module runs on the served model).\n" +
        '\nExamples:\n  hearth mcp serve                                   # stdio, for Claude Desktop or an IDE\n  hearth mcp serve --http --port 3333                # http://127.0.0.1:3333/mcp\n  hearth mcp serve --http --host 0.0.0.0 --token $T  # network access needs a token (16+ characters)\n  hearth mcp serve --http --host 0.0.0.0 --token $T --allowed-host mybox.lan  # clients reach it by that name\n  npx @modelcontextprotocol/inspector --cli hearth mcp serve --method tools/list',
    )
    .action(async (options: ServeOptions) => {
      const config = await readProjectConfig(options.config);
      // What was loaded from where goes to stderr (stdout carries the stdio protocol): a
      // hearth.config.json in the working directory runs the modules in its tools.dirs right here.
      if (config) announce(`read ${projectConfigPath(options.config)}`);
      const fsRoot = fsRootFor(options, config);
      announce(`fs tools rooted at ${fsRoot}`);
      registerUserModuleHooks();
      const shellAllow = [...(config?.tools.shell?.allow ?? []), ...options.shellAllow];
      const httpAllow = [...(config?.tools.http?.allowHosts ?? []), ...options.httpAllow];
      const registry = new ToolRegistry(
        builtinTools({
          fsRoot,
          ...(shellAllow.length > 0 ? { shell: { allow: shellAllow } } : {}),
          ...(httpAllow.length > 0 ? { http: { allowHosts: httpAllow } } : {}),
          // One allow-list for every tool that reaches the network: the browser is no way around it.
          ...(options.browser
            ? httpAllow.length > 0
              ? { browser: { allowHosts: httpAllow } }
              : {}
            : { browser: false as const }),
        }),
      );
      const toolDirs = [
        ...(config?.tools.dirs ?? []).map((dir) => ({ dir, from: 'tools.dirs in the config' })),
        ...options.tools.map((dir) => ({ dir: resolve(dir), from: '--tools' })),
      ];
      const project = await projectTargets(config);
      // The project's own agents and workflows replace the examples; --no-agents leaves out the examples only.
      const examples = options.agents && project.size === 0 ? (await exampleTargets()).values() : [];
      const servedTargets = [...[...project.values()].map(({ target }) => target), ...examples];
      const targets = servedTargetTools(servedTargets, {
        workdir: fsRoot,
        ...(options.model ? { model: options.model } : {}),
      });
      for (const { dir, from } of toolDirs) {
        // `agent.asTool()` exported from a tool module runs on the served model.
        const loaded = await loadToolsFromDirectory(dir);
        // Its agents and workflows are also described as resources, and its agents served as prompts.
        for (const tool of loaded) {
          const made = RunTarget.madeTool(tool);
          if (made) servedTargets.push(made.target);
        }
        const tools = loaded.map(targets.withEngine);
        for (const tool of tools) registry.register(tool);
        announce(`ran the tool modules in ${dir} (${from}): ${tools.map((tool) => tool.name).join(', ')}`);
      }
      for (const tool of targets.tools) registry.register(tool);
      if (project.size > 0)
        announce(`serving the project's agents and workflows: ${[...project.keys()].join(', ')}`);

      // Beside the tools: files under the fs root and run reports as resources, the served agents and
      // workflows described as resources, each agent's instructions as a prompt.
      const features: McpServerOptions = {
        resources: [
          fileResources(fsRoot),
          runReportResources({ root: fsRoot, list: listLocalRuns, read: showLocalRun }),
          runTargetResources(servedTargets),
        ],
        prompts: agentPrompts(servedTargets),
      };
      const approvalOptions = {
        ...features,
        approvals: options.approveAll ? ('approve-all' as const) : ('ask' as const),
      };
      if (options.approveAll)
        process.stderr.write(
          'hearth mcp: --approve-all: every client may write files and run the allowed commands without being asked\n',
        );
      if (!options.http) {
        await serveStdio(registry, approvalOptions);
        return;
      }
      const token = options.token ?? process.env.HEARTH_MCP_TOKEN;
      const server = await serveHttp(registry, {
        ...approvalOptions,
        host: options.host,
        port: options.port,
        ...(token ? { token } : {}),
        maxBodyBytes: options.maxBodyBytes,
        allowedHosts: options.allowedHost,
        allowedOrigins: options.allowedOrigin,
        maxSessions: options.maxSessions,
        maxSessionsPerClient: options.maxSessionsPerClient,
        sessionIdleMs: options.sessionIdleTimeout * 1000,
      });
      process.stderr.write(`hearth mcp: serving ${registry.list().length} tools at ${server.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });

  registerMcpConfigCommand(mcp);

  mcp
    .command('tools')
    .description('connect to the MCP servers in hearth.config.json (or given by flags) and list their tools')
    .option(
      '--config <file>',
      'hearth.config.json listing mcpServers (default: ./hearth.config.json if present)',
    )
    .option('--url <url>', 'also an HTTP MCP server at this URL')
    .option('--token <token>', 'bearer token for --url')
    .option(
      '--command <command line>',
      'also a stdio MCP server started by this command line (quoted, split on spaces)',
    )
    .option('--json', 'print JSON')
    .action(
      async (options: {
        config?: string;
        url?: string;
        token?: string;
        command?: string;
        json?: boolean;
      }) => {
        const config = await readProjectConfig(options.config);
        const servers: McpServerConfig[] = config ? mcpServersFromConfig(config) : [];
        if (options.url)
          servers.push({ name: 'url', url: options.url, ...(options.token ? { token: options.token } : {}) });
        const commandLine = options.command?.trim().split(/\s+/) ?? [];
        if (commandLine[0])
          servers.push({ name: 'command', command: commandLine[0], args: commandLine.slice(1) });
        if (servers.length === 0)
          throw new UsageError(
            'No MCP servers: add "mcpServers" to hearth.config.json or pass --url / --command.',
          );
        const report = [];
        for (const server of servers) {
          const connection = new McpClientConnection(server);
          try {
            const { tools, warnings } = await connection.tools();
            report.push({
              server: server.name,
              tools: tools.map((tool) => ({
                name: tool.name,
                description: tool.description,
                inputSchema: toolInputJsonSchema(tool),
              })),
              warnings,
            });
          } finally {
            await connection.close();
          }
        }
        if (options.json) return printJson(report);
        for (const entry of report) {
          process.stdout.write(`${entry.server}: ${entry.tools.length} tools\n`);
          for (const tool of entry.tools)
            process.stdout.write(`  ${tool.name}  ${tool.description.split('\n')[0]}\n`);
          for (const warning of entry.warnings) process.stderr.write(`warning: ${warning}\n`);
        }
      },
    );
}
