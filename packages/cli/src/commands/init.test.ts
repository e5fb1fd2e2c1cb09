import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

// `hearth init` from outside the checkout, without npm install (pack-init.test.ts installs one).
const checkout = fileURLToPath(new URL('../../../../', import.meta.url));
const workspace = mkdtempSync(join(tmpdir(), 'hearth-init-'));

describe('hearth init --no-install', () => {
  it('writes an ESM TypeScript project whose Hearth packages are tarballs inside it', async () => {
    // A CommonJS parent folder, as `npm init` leaves one: the project's own package.json says "module".
    writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'parent', type: 'commonjs' }));
    const { code, stdout, stderr } = await runHearth(
      ['init', 'my-agents', '--from', checkout, '--no-install'],
      {
        cwd: workspace,
      },
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /hearth init: copying the Hearth packages from the checkout at .* into \.hearth\/packages/,
    );
    expect(stdout).toMatch(/cd my-agents\n {2}npm install\n {2}npm test/);
    const project = join(workspace, 'my-agents');
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'my-agents',
      type: 'module',
      scripts: {
        dev: expect.any(String),
        test: 'vitest run',
        typecheck: 'tsc --noEmit',
        mcp: 'hearth mcp serve',
      },
    });
    // Every @hearth package (also the ones only other @hearth packages need) is pinned to a tarball
    // in the project, so npm never asks the registry for one.
    const overrides = Object.entries(pkg.overrides as Record<string, string>);
    expect(overrides.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        '@hearth/cli',
        '@hearth/core',
        '@hearth/engine',
        '@hearth/model',
        '@hearth/testkit',
      ]),
    );
    for (const [, spec] of overrides) {
      expect(spec).toMatch(/^file:\.hearth\/packages\/hearth-.*\.tgz$/);
      expect(existsSync(join(project, spec.slice('file:'.length)))).toBe(true);
    }
    expect(pkg.dependencies['@hearth/core']).toBe(pkg.overrides['@hearth/core']);
    expect(JSON.parse(readFileSync(join(project, 'hearth.config.json'), 'utf8'))).toEqual({
      tools: { dirs: ['src/tools'] },
      agents: ['src/agents'],
      workflows: ['src/workflows'],
    });
    for (const file of [
      'src/tools/word-count.ts',
      'src/agents/writer.ts',
      'src/workflows/greeting.ts',
      'test/project.test.ts',
      'tsconfig.json',
      '.gitignore',
    ])
      expect(existsSync(join(project, file)), file).toBe(true);
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toMatch(/^# my-agents\n/);
  });

  it('refuses a folder that is not empty, saying what is in it and about --force', async () => {
    const dir = join(workspace, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const { code, stderr } = await runHearth(['init', dir, '--from', checkout, '--no-install']);
    expect(code).toBe(2);
    expect(stderr).toContain(`${dir} is not empty (notes.txt)`);
    expect(stderr).toContain('--force');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a --from folder that is neither a checkout nor a folder of tarballs, and leaves nothing behind', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'hearth-init-from-'));
    writeFileSync(join(elsewhere, 'readme.txt'), 'not hearth');
    const dir = join(workspace, 'never-made');
    const { code, stderr } = await runHearth(['init', dir, '--from', elsewhere, '--no-install']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/is neither a Hearth checkout .* nor a folder of Hearth tarballs/);
    expect(existsSync(dir)).toBe(false);
  });

  it('--registry asks npm for the packages at this version, with no tarballs and no overrides', async () => {
    const dir = join(workspace, 'from-registry');
    const { code, stderr } = await runHearth(['init', dir, '--registry', '--no-install']);
    expect(code, stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    expect(pkg.dependencies).toMatchObject({ '@hearth/cli': `^${version}`, '@hearth/core': `^${version}` });
    expect(pkg.overrides).toBeUndefined();
    expect(existsSync(join(dir, '.hearth'))).toBe(false);
  });

  it('--help names every option', async () => {
    const { code, stdout } = await runHearth(['init', '--help']);
    expect(code).toBe(0);
    for (const option of ['--from <path>', '--registry', '--force', '--no-install'])
      expect(stdout).toContain(option);
  });
});
