import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadHearthConfig } from '@hearth/core';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { printJson } from '../output.js';
import { cliPackageDir } from './init-packages.js';

const clients = ['claude-desktop', 'cursor', 'vscode'] as const;
type Client = (typeof clients)[number];

/** Where each client reads the config from (said on stderr, so stdout is only the JSON). */
const configFileOf: Record<Client, string> = {
  'claude-desktop':
    'claude_desktop_config.json (Linux ~/.config/Claude/, macOS ~/Library/Application Support/Claude/, Windows %APPDATA%\\Claude\\)',
  cursor: '.cursor/mcp.json in your workspace, or ~/.cursor/mcp.json',
  vscode: '.vscode/mcp.json in your workspace',
};

/** The `hearth` a project installs, else the one running now: an absolute path, so any working directory works. */
function hearthBinFor(project: string): string {
  const installed = join(project, 'node_modules', '@hearth', 'cli', 'bin', 'hearth.js');
  return existsSync(installed) ? installed : join(cliPackageDir, 'bin', 'hearth.js');
}

/** `hearth mcp config --client <name> [--project DIR]`. */
export function registerMcpConfigCommand(mcp: Command): void {
  mcp
    .command('config')
    .description(
      "print the JSON a desktop client or IDE needs to start this project's `hearth mcp serve` from any folder",
    )
    .addOption(
      new Option('--client <name>', 'the client whose config format to print')
        .choices(clients)
        .makeOptionMandatory(),
    )
    .option('--project <dir>', 'the project to serve (the folder holding hearth.config.json)', '.')
    .option('--name <name>', 'the server name in the config', 'hearth')
    .addHelpText(
      'after',
      "\nThe config runs Node and hearth by absolute path (the project's own node_modules/@hearth/cli when it has one),\nwith --fs-root (the config's tools.fsRoot, else the project folder) and --config (the project's hearth.config.json)\nset explicitly: desktop clients start servers in /, and a server never roots its fs tools there by default.",
    )
    .action(async (options: { client: Client; project: string; name: string }) => {
      const project = resolve(options.project);
      const configPath = join(project, 'hearth.config.json');
      const config = existsSync(configPath) ? await loadHearthConfig(configPath) : undefined;
      if (!config && project === '/')
        throw new UsageError(
          'refusing to serve / as a project: pass --project <dir> (the folder holding hearth.config.json)',
        );
      const args = [
        hearthBinFor(project),
        'mcp',
        'serve',
        '--fs-root',
        config?.tools.fsRoot ?? project,
        ...(config ? ['--config', configPath] : []),
      ];
      const server = { command: process.execPath, args };
      process.stderr.write(`hearth mcp config: paste into ${configFileOf[options.client]}\n`);
      printJson(
        options.client === 'vscode'
          ? { servers: { [options.name]: { type: 'stdio', ...server } } }
          : { mcpServers: { [options.name]: server } },
      );
    });
}
