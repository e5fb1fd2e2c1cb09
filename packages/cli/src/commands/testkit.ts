import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { integerOption } from '../number-option.js';
import { printJson } from '../output.js';

const parseSeed = integerOption('a seed', 0, 0xffffffff);

/**
 * `hearth testkit make`: writes the tiny Gemma 4 family; `hearth testkit services start|stop`: throwaway
 * Redis and Postgres (both implemented with @hearth/testkit).
 */
export function registerTestkitCommand(program: Command): void {
  const testkit = program
    .command('testkit')
    .description('tiny Gemma 4 models and media fixtures for tests and offline demos');

  testkit
    .command('make')
    .description(
      'write the tiny Gemma 4 GGUF family (tiny, tiny-moe, tiny-assistant, tiny-mmproj, cycle, cycle-assistant); ' +
        'existing files with the same options are reused',
    )
    .option('--dir <dir>', 'directory for the files (default: $HEARTH_HOME/testkit)')
    .option('--seed <n>', 'seed of the random weights; same seed, same bytes (default: 1)', parseSeed)
    .option('--json', 'print {"name": "path"} as JSON')
    .action(async (options: { dir?: string; seed?: number; json?: boolean }) => {
      // Loaded on use: the testkit is a dev tool, not part of the CLI's start-up.
      const { makeTestkitFamily } = await import('@hearth/testkit');
      const family = await makeTestkitFamily({ dir: options.dir, seed: options.seed });
      if (options.json) {
        printJson(family);
        return;
      }
      const entries = Object.entries(family);
      const width = Math.max(...entries.map(([name]) => name.length));
      for (const [name, path] of entries) {
        const { size } = await stat(path);
        const kib = `${Math.ceil(size / 1024)} KiB`.padStart(9);
        process.stdout.write(`${name.padEnd(width)}  ${kib}  ${path}\n`);
      }
    });

  const services = testkit
    .command('services')
    .description(
      'a throwaway Redis and Postgres on free ports for the queue (`hearth worker`, `hearth run --queue`)',
    );

  services
    .command('start')
    .description(
      'start Redis (append-only) and Postgres on 127.0.0.1; their state goes to DIR so `stop` works from anywhere',
    )
    .requiredOption('--dir <dir>', 'directory for the state file and Redis files')
    .option('--json', 'print {"redisUrl", "postgresUrl"} as JSON')
    .action(async (options: { dir: string; json?: boolean }) => {
      const { startServices } = await import('@hearth/testkit');
      const urls = await startServices({ dir: options.dir });
      if (options.json) {
        printJson(urls);
        return;
      }
      process.stdout.write(
        `HEARTH_REDIS_URL=${urls.redisUrl}\nHEARTH_POSTGRES_URL=${urls.postgresUrl}\n` +
          `Stop them with: hearth testkit services stop --dir ${options.dir}\n`,
      );
    });

  services
    .command('stop')
    .description('stop the services started with the same --dir and delete their Postgres data')
    .requiredOption('--dir <dir>', 'the directory given to `start`')
    .action(async (options: { dir: string }) => {
      const { stopServices } = await import('@hearth/testkit');
      await stopServices(options.dir);
    });
}
