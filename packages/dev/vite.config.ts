import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The front end is built into the package (dist/web), so `hearth dev` needs no build step on a user's machine.
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
});
