import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  type AnyRunTarget,
  defaultCheckpointPath,
  describeEffects,
  hearthHome,
  inspectCheckpointStore,
  loadToolsFromDirectory,
  type ToolDefinition,
  toolEffects,
  toolInputJsonSchema,
  toolNeedsApproval,
} from '@hearth/core';
import { type DevProject, type DevTarget, startDevServer } from '@hearth/dev';
import { modelPresets } from '@hearth/model';
import { builtinTools } from '@hearth/tools';
import type { Command } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { integerOption } from '../number-option.js';
import { exampleTargets, projectTargets } from '../run/load-target.js';
import { readProjectConfig } from '../run/project-config.js';
import { openQueueFrom } from '../run/queue-connection.js';
import { queueRunView } from '../run/queued-runs.js';

export interface DevCommandOptions {
  /** Default: a free one. */
  port?: number;
  /** `--no-open`: do not open a browser. */
  open: boolean;
}

async function devTarget(target: AnyRunTarget, source: string): Promise<DevTarget> {
  return {
    name: target.name,
    kind: target.kind,
    description: target.description,
    source,
    ...(target.model ? { model: target.model } : {}),
    inputSchema: toolInputJsonSchema(target.asTool()),
    graph: await target.graph(),
  };
}

const devTool = (tool: ToolDefinition) => ({
  name: tool.name,
  description: tool.description,
  effects: describeEffects(toolEffects(tool)),
  needsApproval: toolNeedsApproval(tool),
});

/**
 * The project in the working directory: the agents and workflows its hearth.config.json declares (the
 * examples when it declares none), the built-in tools and the tools in its `tools.dirs`.
 */
async function currentProject(): Promise<DevProject> {
  const root = process.cwd();
  const config = await readProjectConfig();
  const declared = await projectTargets(config);
  const targets =
    declared.size > 0
      ? await Promise.all([...declared.values()].map(({ target, source }) => devTarget(target, source)))
      : await Promise.all([...(await exampleTargets())].map(([name, target]) => devTarget(target, name)));
  const tools = builtinTools({ fsRoot: config?.tools.fsRoot ?? root });
  for (const dir of config?.tools.dirs ?? []) tools.push(...(await loadToolsFromDirectory(dir)));
  return { root, targets, tools: tools.map(devTool), models: modelPresets.map((preset) => preset.name) };
}

/** Opens the page in the desktop's browser; where there is none (a server, CI) the printed address is enough. */
function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

async function devCommand(options: DevCommandOptions): Promise<void> {
  const project = await currentProject();
  const checkpoints = defaultCheckpointPath();
  // The queue the environment names (HEARTH_REDIS_URL and HEARTH_POSTGRES_URL), shown on the history page.
  const queue = await openQueueFrom({});
  const server = await startDevServer({
    port: options.port ?? 0,
    ...(queue
      ? {
          queuedRuns: async () =>
            (await queue.list()).map(queueRunView).map((run) => ({
              runId: run.runId,
              target: run.target,
              status: run.status,
              ...(run.model ? { model: run.model } : {}),
              ...(run.worker ? { worker: run.worker } : {}),
              updatedAt: run.updatedAt,
            })),
        }
      : {}),
    project,
    // Runs are `hearth run` processes of this very CLI, started the way this process was.
    hearth: { node: process.execPath, args: [...process.execArgv, process.argv[1] as string] },
    stateDir: join(hearthHome(), 'dev'),
    evalsDir: join(hearthHome(), 'evals'),
    checkpointThreads: () =>
      new Map(
        inspectCheckpointStore(checkpoints).threads.map((thread) => [thread.threadId, thread.checkpoints]),
      ),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES')
      throw new UsageError(
        `--port ${options.port}: 127.0.0.1:${options.port} cannot be used (${error.code === 'EADDRINUSE' ? 'another program listens there' : 'not allowed for this user'}); pick another port, or leave --port out for a free one`,
      );
    throw error;
  });
  process.stdout.write(
    `hearth dev: ${project.targets.length} agents and workflows of ${project.root}\n` +
      `open ${server.url}\n(the address holds this session's token; keep it to yourself. Ctrl+C stops the server and its runs.)\n`,
  );
  if (options.open) openBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await queue?.close();
}

/** `hearth dev`: the local web app for this project's agents, workflows, runs, approvals and traces. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'Open a local web app for this project: graphs, run forms, live runs, approvals, history, traces',
    )
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', integerOption('a port', 0, 65535))
    .option('--no-open', 'do not open a browser; just print the address')
    .addHelpText(
      'after',
      '\nThe server listens on 127.0.0.1 only; every API call needs the token in the printed address, and\n' +
        'calls from other sites are refused. Runs are `hearth run` processes: their checkpoints, approvals and\n' +
        'resume work as on the command line, and their spans are shown as a timeline.',
    )
    .action(async (options: DevCommandOptions) => {
      await devCommand(options);
    });
}
