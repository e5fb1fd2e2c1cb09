import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerDemoCommand } from './commands/demo.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerModelsCommand } from './commands/models.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTestkitCommand } from './commands/testkit.js';

const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * Builds the `hearth` command tree. Each command lives in `commands/<name>.ts` and registers itself
 * here, so `--help` lists every command from one place.
 */
export function createProgram(): Command {
  const program = new Command('hearth')
    .description('Hearth: local-first agent workflows on Gemma 4')
    .version(packageJson.version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)');
  registerGenerateCommand(program);
  registerRunCommand(program);
  registerDemoCommand(program);
  registerModelsCommand(program);
  registerServeCommand(program);
  registerMcpCommand(program);
  registerTestkitCommand(program);
  return program;
}
