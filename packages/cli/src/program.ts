import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerDemoCommand } from './commands/demo.js';
import { registerDevCommand } from './commands/dev.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEngineCommand } from './commands/engine.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerInitCommand } from './commands/init.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerModelsCommand } from './commands/models.js';
import { registerRunCommand } from './commands/run.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerServeCommand } from './commands/serve.js';
import { registerTestkitCommand } from './commands/testkit.js';
import { registerWorkerCommand } from './commands/worker.js';
import { ExitCode } from './output.js';

const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };

/**
 * Builds the `hearth` command tree. Each command lives in `commands/<name>.ts` and registers itself
 * here, so `--help` lists every command from one place.
 */
export function createProgram(): Command {
  const program = new Command('hearth')
    .description('Hearth: local-first agent workflows on Gemma 4')
    .version(packageJson.version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors throw (subcommands inherit this) so bin.ts can give them exit code 2.
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: ${ExitCode.success} success, ${ExitCode.failure} failure, ${ExitCode.usage} bad usage or input (bad flags, unknown preset, a --model path
with no file), ${ExitCode.model} model file or model process failure (not GGUF, mismatched set, crash, offline, does not fit),
${ExitCode.approvalNeeded} run paused waiting for approval. The same error gives the same exit code in every command.
Environment: HEARTH_HOME (cache and state, default ~/.cache/hearth), HEARTH_OFFLINE=1, HF_TOKEN, HEARTH_DEBUG=1,
HEARTH_CHROMIUM_PATH (Chromium binary, default /usr/bin/chromium), OTEL_EXPORTER_OTLP_ENDPOINT (send run traces
there over OTLP/HTTP; nothing is sent without it), HEARTH_TRACE_CONTENT=1 (prompts and replies in those traces).`,
    );
  registerInitCommand(program);
  registerGenerateCommand(program);
  registerRunCommand(program);
  registerDemoCommand(program);
  registerModelsCommand(program);
  registerRunsCommand(program);
  registerServeCommand(program);
  registerDevCommand(program);
  registerMcpCommand(program);
  registerTestkitCommand(program);
  registerWorkerCommand(program);
  registerEngineCommand(program);
  registerDoctorCommand(program);
  registerEvalCommand(program);
  return program;
}
