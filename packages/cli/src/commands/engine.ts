import {
  buildNativeEngine,
  chooseDefaultEngine,
  findNativeBuild,
  type NativeBuildProgress,
  nativeBuildPlan,
} from '@hearth/model';
import type { Command } from 'commander';
import { integerOption } from '../number-option.js';
import { ExitCode, printJson } from '../output.js';

interface EngineBuildOptions {
  force?: boolean;
  jobs?: number;
  json?: boolean;
}

/**
 * Build progress on stderr: one redrawn line on a TTY, otherwise a plain line per step and per
 * tenth of the compile steps (readable in CI logs).
 */
function progressReporter(): { onProgress: (progress: NativeBuildProgress) => void; done: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  let lastTenth = -1;
  let drawn = false;
  return {
    onProgress: (progress) => {
      if (progress.step !== 'compile') {
        if (drawn) process.stderr.write('\n');
        drawn = false;
        process.stderr.write(`${progress.step}: ${progress.message}\n`);
        return;
      }
      const percent = Math.floor((progress.done / progress.total) * 100);
      const line = `compile: [${progress.done}/${progress.total}] ${percent}%`;
      if (tty) {
        const target = progress.message.replace(/^Building \S+ object /, '').slice(0, 60);
        process.stderr.write(`\r${line} ${target}\u001b[K`);
        drawn = true;
      } else if (Math.floor(percent / 10) !== lastTenth) {
        lastTenth = Math.floor(percent / 10);
        process.stderr.write(`${line}\n`);
      }
    },
    done: () => {
      if (drawn) process.stderr.write('\n');
    },
  };
}

async function engineBuildCommand(options: EngineBuildOptions): Promise<void> {
  const progress = progressReporter();
  const started = Date.now();
  const plan = await nativeBuildPlan();
  const reused = !options.force && Boolean(await findNativeBuild());
  const build = await buildNativeEngine({
    ...(options.force ? { force: true } : {}),
    ...(options.jobs ? { jobs: options.jobs } : {}),
    onProgress: progress.onProgress,
  }).finally(progress.done);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (options.json) {
    printJson({ ...build, reused, seconds });
    return;
  }
  process.stdout.write(
    reused
      ? `The native engine is already built for this machine: ${build.directory} (key ${plan.key}).\n`
      : `Built the native engine (llama.cpp ${build.commit}) in ${seconds} s: ${build.directory}\n`,
  );
}

async function engineStatusCommand(options: { json?: boolean }): Promise<void> {
  const [choice, plan] = await Promise.all([chooseDefaultEngine(), nativeBuildPlan()]);
  if (options.json) {
    printJson({
      default: choice.engine,
      reason: choice.reason,
      ...(choice.warning ? { warning: choice.warning } : {}),
      native: choice.build ?? { built: false, directory: plan.directory, flags: plan.flags },
    });
    return;
  }
  process.stdout.write(`default engine: ${choice.reason}\n`);
  if (choice.warning) process.stdout.write(`warning: ${choice.warning}\n`);
  if (!choice.build) process.stdout.write(`native build would go to ${plan.directory}\n`);
}

/** `hearth engine build|status`: llama.cpp built for this machine, for the `native` engine. */
export function registerEngineCommand(program: Command): void {
  const engine = program
    .command('engine')
    .description(
      'the native engine: llama.cpp built for this machine (CPU SIMD, CUDA/Vulkan/Metal when present)',
    );
  engine
    .command('build')
    .description(
      "build llama.cpp's llama-server and llama-bench for this machine from the source node-llama-cpp ships " +
        '(a few minutes; cached under $HEARTH_HOME/engines/llama.cpp, rebuilt when that source changes). ' +
        'Needs git, cmake, a C++ compiler and ninja (Debian/Ubuntu: apt-get install cmake g++ ninja-build git).',
    )
    .option('--force', 'build again even when a build for this machine is cached')
    .option('--jobs <n>', 'parallel compile jobs (default: cores + 2)', integerOption('a job count', 1, 1024))
    .option('--json', 'print the installed build as JSON')
    .addHelpText(
      'after',
      `\nExit codes: ${ExitCode.success} built (or already built), ${ExitCode.failure} a build tool is missing or a step failed.\n` +
        'Afterwards generate, run and serve use the native engine unless --engine says otherwise.',
    )
    .action((options: EngineBuildOptions) => engineBuildCommand(options));
  engine
    .command('status')
    .description('which engine runs by default and why; where the native build is')
    .option('--json', 'print {default, reason, warning?, native} as JSON')
    .action((options: { json?: boolean }) => engineStatusCommand(options));
}
