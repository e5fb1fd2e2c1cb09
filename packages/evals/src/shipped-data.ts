import { fileURLToPath } from 'node:url';

/**
 * The folder of cases this package ships for a suite: `data/<suite>` in the package (copied from the
 * repository's `evals/<suite>/data` at build), the same path from `src/` and `dist/`.
 */
export const shippedData = (suite: string): string =>
  fileURLToPath(new URL(`../data/${suite}`, import.meta.url));
