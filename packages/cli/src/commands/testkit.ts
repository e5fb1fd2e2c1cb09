import type { Command } from 'commander';

/** `hearth testkit make`: writes the tiny Gemma 4 family (implemented with @hearth/testkit). */
export function registerTestkitCommand(program: Command): void {
  program
    .command('testkit')
    .description('tiny Gemma 4 models and media fixtures for tests and offline demos');
}
