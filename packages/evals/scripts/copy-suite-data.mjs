// Copies each suite's data from the repository's evals/<suite>/data (the one source, reviewed there)
// into this package's data/<suite>, so the published package carries the cases it runs. A build
// step, run by `npm run build` and before this package's tests; data/ is not committed.
import { cp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const suitesDir = join(packageDir, '..', '..', 'evals');
const target = join(packageDir, 'data');

export async function copySuiteData() {
  // Made beside it and swapped in, so a test reading data/ meanwhile never sees it half copied.
  const fresh = `${target}.${process.pid}.new`;
  const old = `${target}.${process.pid}.old`;
  const suites = (await readdir(suitesDir, { withFileTypes: true })).filter((entry) => entry.isDirectory());
  for (const suite of suites)
    await cp(join(suitesDir, suite.name, 'data'), join(fresh, suite.name), { recursive: true });
  await rename(target, old).catch((error) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(fresh, target);
  await rm(old, { recursive: true, force: true });
}

// As vitest's globalSetup this module is imported, not run; as a script it copies.
if (process.argv[1] === fileURLToPath(import.meta.url)) await copySuiteData();
export default copySuiteData;
