import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ToolRegistry } from '@hearth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotRegularFileError } from './errors/not-a-regular-file-error.js';
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

describe('fs tools and special files (FIFOs, sockets, devices)', () => {
  // Before the fix a FIFO's open blocked a libuv thread until a peer came: the call hung, four such
  // calls wedged every fs call in the process, and a write that had timed out landed later. Every
  // call below carries a time limit so that the old code fails with TOOL_TIMEOUT instead of hanging.
  const limit = { timeoutMs: 5000 };
  let special: string;
  let socketServer: Server;
  const kinds: [name: string, pattern: RegExp][] = [
    ['fifo', /is a FIFO \(named pipe\)/],
    ['fifo-link', /is a FIFO \(named pipe\)/],
    ['socket', /is a socket/],
  ];
  beforeAll(async () => {
    special = join(root, 'special');
    await mkdir(special);
    execFileSync('mkfifo', [join(special, 'fifo')]);
    await symlink(join(special, 'fifo'), join(special, 'fifo-link'));
    socketServer = createServer();
    await new Promise<void>((resolve) => socketServer.listen(join(special, 'socket'), resolve));
    // Device nodes need root (the project's machines run tests as root).
    if (process.getuid?.() === 0) {
      execFileSync('mknod', [join(special, 'zero'), 'c', '1', '5']);
      kinds.push(['zero', /is a character device/]);
    }
  });
  afterAll(() => socketServer.close());

  it('refuses each of them for every operation, naming what it is', async () => {
    expect(kinds.length).toBeGreaterThanOrEqual(3);
    for (const [name, pattern] of kinds) {
      const path = `special/${name}`;
      for (const [tool, args] of [
        ['fs_read', { path }],
        ['fs_write', { path, content: 'pwned' }],
        ['fs_list', { path }],
        ['fs_search', { query: 'x', path }],
      ] as const) {
        const result = await registry.call(tool, args, limit);
        expect(result.isError, `${tool} ${path}`).toBe(true);
        expect(JSON.stringify(result.content), `${tool} ${path}`).toMatch(pattern);
      }
      await expect(
        Promise.resolve(
          fsTools({ root })[0]?.run({ path }, { signal: new AbortController().signal } as never),
        ),
      ).rejects.toSatisfy((error) => NotRegularFileError.isInstance(error));
    }
    // A search over the folder that holds them finds the regular files and waits on none of them.
    await writeFile(join(special, 'plain.txt'), 'x marks the spot');
    expect(
      (await registry.call('fs_search', { query: 'marks', path: 'special' }, limit)).structuredContent,
    ).toEqual({
      matches: [{ path: 'special/plain.txt', line: 1, text: 'x marks the spot' }],
    });
    expect((await registry.call('fs_list', { path: 'special' }, limit)).structuredContent).toMatchObject({
      entries: expect.arrayContaining([
        { name: 'fifo', type: 'other' },
        { name: 'socket', type: 'other' },
        { name: 'plain.txt', type: 'file' },
      ]),
    });
  });

  it('refuses /dev/zero reached through a symlink in the root', async () => {
    await symlink('/dev/zero', join(special, 'dev-zero-link'));
    for (const [tool, args] of [
      ['fs_read', { path: 'special/dev-zero-link' }],
      ['fs_write', { path: 'special/dev-zero-link', content: 'x' }],
    ] as const) {
      const result = await registry.call(tool, args, limit);
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/a symlink leads outside the root/);
    }
  });

  it('ten writes to a FIFO in a row do not wedge the other fs calls', async () => {
    for (let i = 0; i < 10; i++) {
      const result = await registry.call(
        'fs_write',
        { path: 'special/fifo', content: `attempt ${i}` },
        limit,
      );
      expect(result.isError).toBe(true);
    }
    expect((await registry.call('fs_read', { path: 'notes/todo.md' }, limit)).isError).toBeUndefined();
    expect((await registry.call('fs_list', { path: 'notes' }, limit)).isError).toBeUndefined();
    expect(
      (await registry.call('fs_write', { path: 'out/after.txt', content: 'fine' }, limit)).isError,
    ).toBeUndefined();
    expect(await readFile(join(root, 'out/after.txt'), 'utf8')).toBe('fine');
  });

  it('a write to a FIFO that did not complete never lands later', async () => {
    const fifo = join(special, 'late-fifo');
    execFileSync('mkfifo', [fifo]);
    // Refused at once now; before the fix it timed out (TOOL_TIMEOUT) with the open still pending.
    await registry
      .call('fs_write', { path: 'special/late-fifo', content: 'landed late' }, { timeoutMs: 1000 })
      .catch(() => undefined);
    // A reader arriving afterwards (for two seconds) receives nothing: no write is left pending.
    // (Asynchronously: a pending write needs this process's event loop to go through.)
    const late = await promisify(execFile)('sh', ['-c', `timeout 2 cat '${fifo}'; true`], {
      encoding: 'utf8',
    });
    expect(late.stdout).toBe('');
  });
});

describe('fs tools while a folder in the root is swapped for a symlink (e.g. by a shell command)', () => {
  it('never read or write outside the root, however the swap and the call interleave', async () => {
    const swapRoot = join(base, 'swap-root');
    const outsideDir = join(base, 'swap-outside');
    await mkdir(join(swapRoot, 'swap'), { recursive: true });
    await mkdir(outsideDir);
    await writeFile(join(swapRoot, 'swap', 'file.txt'), 'inside');
    await writeFile(join(outsideDir, 'file.txt'), 'OUTSIDE');
    await writeFile(join(outsideDir, 'OUTSIDE-name.txt'), 'a name only listed outside');
    const swapper = spawn(
      'sh',
      ['-c', 'while :; do mv swap swap.real; ln -s "$0" swap; rm swap; mv swap.real swap; done', outsideDir],
      { cwd: swapRoot, stdio: 'ignore' },
    );
    const swapRegistry = new ToolRegistry(fsTools({ root: swapRoot }));
    const seen = new Set<string>();
    try {
      for (let i = 0; i < 400; i++) {
        const read = await swapRegistry.call('fs_read', { path: 'swap/file.txt' });
        seen.add(JSON.stringify(read.content));
        await swapRegistry.call('fs_write', { path: `swap/written-${i}.txt`, content: 'x' });
        await swapRegistry.call('fs_write', { path: `swap/made-${i}/written.txt`, content: 'x' });
        const listed = await swapRegistry.call('fs_list', { path: 'swap' });
        seen.add(JSON.stringify(listed.structuredContent ?? listed.content));
        const found = await swapRegistry.call('fs_search', { query: 'OUTSIDE', path: 'swap' });
        seen.add(JSON.stringify(found.structuredContent ?? found.content));
      }
    } finally {
      const exited = new Promise((resolve) => swapper.once('exit', resolve));
      swapper.kill();
      await exited;
    }
    expect([...seen].join('\n')).not.toContain('OUTSIDE');
    expect((await readdir(outsideDir)).sort()).toEqual(['OUTSIDE-name.txt', 'file.txt']);
  });
});
