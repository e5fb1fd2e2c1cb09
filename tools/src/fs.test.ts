import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolRegistry } from '@hearth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathOutsideRootError } from './errors/path-outside-root-error.js';
import { fsTools, resolveInsideRoot } from './fs.js';

let base: string;
let root: string;
let registry: ToolRegistry;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'hearth-fs-'));
  root = join(base, 'root');
  await mkdir(join(root, 'notes'), { recursive: true });
  await writeFile(join(root, 'notes/todo.md'), 'buy milk\nwrite tests\n');
  await writeFile(join(base, 'secret.txt'), 'TOP SECRET');
  await symlink(join(base, 'secret.txt'), join(root, 'leak.txt'));
  await symlink(base, join(root, 'outside-dir'));
  await symlink(join(root, 'notes'), join(root, 'inside-link'));
  registry = new ToolRegistry(fsTools({ root }));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const attacks = [
  '../secret.txt',
  'notes/../../secret.txt',
  '..',
  './..',
  'notes/../..',
  '/etc/passwd',
  `${'/'}tmp`,
  '~/secret.txt',
  'C:/Windows/win.ini',
  '..\\secret.txt',
  'notes\\..\\..\\secret.txt',
  '%2e%2e/secret.txt',
  '%2E%2E%2Fsecret.txt',
  'notes/%2e%2e/%2e%2e/secret.txt',
  '..%2fsecret.txt',
  '%252e%252e/secret.txt',
  'notes/todo.md\0.txt',
  'leak.txt',
  'outside-dir/secret.txt',
  'outside-dir',
  'outside-dir/new.txt',
];

describe('fs tools', () => {
  it('read, list, search and write inside the root', async () => {
    expect((await registry.call('fs_read', { path: 'notes/todo.md' })).content).toEqual([
      { type: 'text', text: 'buy milk\nwrite tests\n' },
    ]);
    expect((await registry.call('fs_read', { path: 'inside-link/todo.md' })).isError).toBeUndefined();
    const listing = await registry.call('fs_list', { path: '.' });
    expect(listing.structuredContent).toMatchObject({
      entries: expect.arrayContaining([{ name: 'notes', type: 'directory' }]),
    });
    const search = await registry.call('fs_search', { query: 'TESTS' });
    expect(search.structuredContent).toEqual({
      matches: [{ path: 'notes/todo.md', line: 2, text: 'write tests' }],
    });
    await registry.call('fs_write', { path: 'out/new.txt', content: 'hello' });
    expect(await readFile(join(root, 'out/new.txt'), 'utf8')).toBe('hello');
    expect(registry.get('fs_write').requiresApproval).toBe(true);
    expect(registry.get('fs_read').requiresApproval).toBeFalsy();
  });

  it.each(attacks)('refuses %j for every operation', async (path) => {
    await expect(resolveInsideRoot(root, path)).rejects.toSatisfy((error) =>
      PathOutsideRootError.isInstance(error),
    );
    for (const [tool, args] of [
      ['fs_read', { path }],
      ['fs_list', { path }],
      ['fs_search', { query: 'SECRET', path }],
      ['fs_write', { path, content: 'pwned' }],
    ] as const) {
      const result = await registry.call(tool, args);
      expect(result.isError, `${tool} ${path}`).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/refused/);
      expect(JSON.stringify(result.content)).not.toMatch(/TOP SECRET/);
    }
    expect(await readFile(join(base, 'secret.txt'), 'utf8')).toBe('TOP SECRET');
  });

  it('never follows symlinks out of the root while searching', async () => {
    const search = await registry.call('fs_search', { query: 'secret' });
    expect(JSON.stringify(search.structuredContent)).not.toMatch(/TOP SECRET/);
  });
});
