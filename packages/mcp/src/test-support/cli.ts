import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** The built `hearth` binary; peer tests drive it exactly as users do. */
export const hearthBin = join(repoRoot, 'packages/cli/dist/bin.js');
/**
 * Node 22, which the conformance suite needs (the inspector runs on 20 and 22; tests drive it with 22,
 * as the issue asks). Node 22 and the suite live in packages/mcp/peers, installed apart from the
 * workspace (scripts/setup.sh) so Node 22 never shadows Node 20 on the workspace's PATH.
 */
export const node22 = join(repoRoot, 'packages/mcp/peers/node_modules/.bin/node');

export function requireBuiltCli(): void {
  if (!existsSync(node22))
    throw new Error(
      `${node22} is missing: install the MCP peers first (npm ci --prefix packages/mcp/peers, done by scripts/setup.sh).`,
    );
  if (!existsSync(hearthBin))
    throw new Error(
      `${hearthBin} is missing: build first (npm run build, or npx turbo run build --filter=@hearth/cli...).`,
    );
}
