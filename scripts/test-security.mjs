#!/usr/bin/env node
// `npm run test:security`: runs the security suite, which is exactly the test files named in
// SECURITY.md's table (so the document cannot list a test that does not exist or is not run).
// Each package's files run with that package's own vitest config (setup files, timeouts).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const table = readFileSync(join(root, 'SECURITY.md'), 'utf8');
// Test files are written in the table as `path/to/file.test.ts`, relative to the repository root.
const files = [...new Set([...table.matchAll(/`([\w./-]+\.test\.ts)`/g)].map((match) => match[1]))];
if (files.length === 0) {
  console.error('test:security: SECURITY.md names no test files (`path/to/x.test.ts` in its table)');
  process.exit(1);
}
const missing = files.filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  console.error(`test:security: SECURITY.md names test files that do not exist:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}

/** The workspace package a test file belongs to: the nearest folder above it with a package.json. */
function packageOf(file) {
  for (let dir = dirname(join(root, file)); dir !== root; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${file} is not inside a workspace package`);
}

const byPackage = new Map();
for (const file of files) {
  const dir = packageOf(file);
  byPackage.set(dir, [...(byPackage.get(dir) ?? []), relative(dir, join(root, file))]);
}
let failed = false;
for (const [dir, packageFiles] of byPackage) {
  console.log(`\n== ${relative(root, dir)}: ${packageFiles.join(' ')}`);
  const run = spawnSync('npx', ['vitest', 'run', ...packageFiles], { cwd: dir, stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
