// Preloaded with `node --import` by import-footprint.test.ts: appends to $HEARTH_LOADED_MODULES every
// module this process loads (ES modules as the resolver hook sees them, CommonJS from require.cache at
// exit) and every native addon it opens (process.dlopen), one per line.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const record = process.env.HEARTH_LOADED_MODULES;
if (!record) throw new Error('set HEARTH_LOADED_MODULES to the file that records loaded modules');

const resolveHook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(record)}, resolved.url + '\\n');
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(resolveHook)}`);

const openAddon = process.dlopen;
process.dlopen = (module, filename, ...rest) => {
  appendFileSync(record, `addon:${filename}\n`);
  return openAddon(module, filename, ...rest);
};

const require = createRequire(import.meta.url);
process.on('exit', () => {
  appendFileSync(
    record,
    Object.keys(require.cache)
      .map((path) => `${path}\n`)
      .join(''),
  );
});
