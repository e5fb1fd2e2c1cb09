import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolRegistry, type ToolResult } from '@hearth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShellSandboxUnavailableError } from './errors/shell-sandbox-unavailable-error.js';
import { type ShellToolOptions, shellTool } from './shell.js';

// Real bubblewrap, run as whatever user runs the tests (root on the project's machines). Every
// attack below ran as root on the host before the sandbox: each assertion on "outside" files, the
// host environment or the loopback server fails on that code.

const SECRET = `hearth-secret-${process.pid}`;
let base: string; // a host folder outside the root, under /tmp (hidden behind the sandbox's own /tmp)
let root: string; // the tool root: a git repository
let homeLike: string; // a HOME-like folder outside the root holding a secret
let varTmp: string; // a folder outside the root and outside /tmp, /root and /home
let outside: string; // where the attacks try to write

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'hearth-shell-'));
  root = join(base, 'project');
  homeLike = join(base, 'home-like');
  outside = join(base, 'outside');
  varTmp = mkdtempSync('/var/tmp/hearth-shell-');
  for (const dir of [root, homeLike, outside]) mkdirSync(dir);
  writeFileSync(join(homeLike, '.netrc'), `machine example.com password ${SECRET}\n`);
  writeFileSync(join(varTmp, 'secret.txt'), `${SECRET}\n`);
  writeFileSync(join(outside, 'keep.txt'), 'must survive\n');
  writeFileSync(join(root, 'notes.txt'), 'alpha\nbeta\n');
  execFileSync('git', ['init', '-q', root]);
  process.env.HEARTH_SHELL_TEST_SECRET = SECRET;
});
afterAll(() => {
  delete process.env.HEARTH_SHELL_TEST_SECRET;
  rmSync(base, { recursive: true, force: true });
  rmSync(varTmp, { recursive: true, force: true });
});

function shell(options: Partial<ShellToolOptions> & { allow: string[] }) {
  return new ToolRegistry([shellTool({ root, timeoutMs: 20_000, ...options })]);
}

async function run(registry: ToolRegistry, command: string, args: string[]) {
  const result: ToolResult = await registry.call('shell', { command, args });
  const text = result.content.map((part) => ('text' in part ? part.text : '')).join('\n');
  return {
    result,
    text,
    structured: result.structuredContent as {
      stdout: string;
      stderr: string;
      exitCode: number | null;
      stopped?: string;
    },
  };
}

/** Everything an attack could leave behind or learn, checked after each one. */
function expectContained(text: string) {
  expect(text).not.toContain(SECRET);
  expect(readdirSync(outside)).toEqual(['keep.txt']);
  expect(existsSync('/tmp/hearth-rce')).toBe(false);
}

/** A shell script that tries everything at once: who am I, write outside, read the host's secrets. */
const payload = () =>
  [
    'id',
    `echo RCE > ${outside}/pwned`,
    'echo RCE > /tmp/hearth-rce',
    `cat ${homeLike}/.netrc ${varTmp}/secret.txt /root/.bash_history`,
    'env',
    'ls -A /root /home',
  ].join('; ');

describe('shell sandbox: the reproductions from issue 10', () => {
  it('git -c alias.x=!… runs as uid 65534, writes nothing outside the root and reads no host secret', async () => {
    const { text } = await run(shell({ allow: ['git'] }), 'git', [
      '-c',
      `alias.x=!sh -c '${payload()}'`,
      'x',
    ]);
    expect(text).toMatch(/uid=65534\(nobody\)/);
    expectContained(text);
  });

  it('find . -exec sh -c … writes nothing outside the root and reads no host secret', async () => {
    const { text } = await run(shell({ allow: ['find'] }), 'find', [
      '.',
      '-maxdepth',
      '0',
      '-exec',
      'sh',
      '-c',
      payload(),
      ';',
    ]);
    expect(text).toMatch(/uid=65534/);
    expectContained(text);
  });

  it('git ls-remote --upload-pack=… writes nothing outside the root and reads no host secret', async () => {
    const { text } = await run(shell({ allow: ['git'] }), 'git', [
      'ls-remote',
      `--upload-pack=sh -c '{ ${payload()}; } >&2; exit 1'`,
      '.',
    ]);
    expect(text).toMatch(/uid=65534/);
    expectContained(text);
  });
});

describe('shell sandbox: what allowed programs can do beyond the list', () => {
  it('cat, find and git cannot read a secret outside the root (HOME-like folder, /var/tmp, /root)', async () => {
    const registry = shell({ allow: ['cat', 'find', 'git', 'ls'] });
    for (const [command, args] of [
      ['cat', [join(homeLike, '.netrc')]],
      ['cat', [join(varTmp, 'secret.txt')]],
      ['find', [homeLike, varTmp, '/root', '-type', 'f']],
      ['git', ['--no-pager', 'grep', '--no-index', SECRET.slice(0, 10), varTmp]],
      ['cat', ['/etc/shadow']],
    ] as const) {
      const { text } = await run(registry, command, [...args]);
      expectContained(text);
    }
    // The host's /root is not empty; the sandbox's is.
    expect(readdirSync('/root').length).toBeGreaterThan(0);
    expect((await run(registry, 'ls', ['-A', '/root'])).structured.stdout).toBe('');
  });

  it('a HEARTH_HOME inside the root is hidden (empty and read-only) in the sandbox', async () => {
    const home = join(root, '.hearth-home');
    mkdirSync(home);
    writeFileSync(join(home, 'checkpoints.sqlite'), SECRET);
    const saved = process.env.HEARTH_HOME;
    process.env.HEARTH_HOME = home;
    try {
      const registry = shell({ allow: ['sh'] });
      const { text } = await run(registry, 'sh', [
        '-c',
        'ls -A .hearth-home; cat .hearth-home/checkpoints.sqlite; echo x > .hearth-home/planted',
      ]);
      expectContained(text);
      expect(readdirSync(home)).toEqual(['checkpoints.sqlite']);
      expect(readFileSync(join(home, 'checkpoints.sqlite'), 'utf8')).toBe(SECRET);
    } finally {
      if (saved === undefined) delete process.env.HEARTH_HOME;
      else process.env.HEARTH_HOME = saved;
      rmSync(home, { recursive: true });
    }
  });

  it('sees none of the host environment', async () => {
    const { structured } = await run(shell({ allow: ['env'] }), 'env', []);
    expect(structured.stdout).not.toContain(SECRET);
    expect(structured.stdout.trim().split('\n').sort()).toEqual(
      [
        'HOME=/tmp',
        'LANG=C.UTF-8',
        'PATH=/usr/local/bin:/usr/bin:/bin',
        `PWD=${structured.stdout.match(/PWD=(.*)/)?.[1]}`,
      ].sort(),
    );
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    let connections = 0;
    beforeAll(async () => {
      server = createServer((socket) => {
        connections++;
        socket.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => server.close());

    it('cannot reach a loopback server on the host unless network: true', async () => {
      const probe = ['-c', `echo hello > /dev/tcp/127.0.0.1/${port}`];
      const closed = await run(shell({ allow: ['bash'] }), 'bash', probe);
      expect(closed.result.isError).toBe(true);
      expect(connections).toBe(0);
      const gitProbe = await run(shell({ allow: ['git'] }), 'git', [
        'ls-remote',
        `http://127.0.0.1:${port}/x`,
      ]);
      expect(gitProbe.result.isError).toBe(true);
      expect(connections).toBe(0);
      // The same probe with the network shared does connect: the refusal above is the sandbox's.
      const open = await run(shell({ allow: ['bash'], network: true }), 'bash', probe);
      expect(open.structured.exitCode).toBe(0);
      expect(connections).toBe(1);
    });
  });

  it('git -c core.sshCommand=… runs its command inside the sandbox too', async () => {
    const { text } = await run(shell({ allow: ['git'] }), 'git', [
      '-c',
      `core.sshCommand=sh -c '{ ${payload()}; } >&2; exit 1' --`,
      'ls-remote',
      'ssh://example.invalid/repo',
    ]);
    expect(text).toMatch(/uid=65534/);
    expectContained(text);
  });

  it('find -delete cannot delete outside the root', async () => {
    const { result } = await run(shell({ allow: ['find'] }), 'find', [outside, '-delete']);
    expect(result.isError).toBe(true);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('must survive\n');
  });

  it('symlinks in the root that point out lead nowhere, for reading and for writing', async () => {
    symlinkSync(homeLike, join(root, 'home-link'));
    symlinkSync(outside, join(root, 'outside-link'));
    try {
      const registry = shell({ allow: ['cat', 'sh', 'find'] });
      expectContained((await run(registry, 'cat', ['home-link/.netrc'])).text);
      expectContained(
        (await run(registry, 'find', ['-L', '.', '-name', '.netrc', '-exec', 'cat', '{}', ';'])).text,
      );
      expectContained(
        (await run(registry, 'sh', ['-c', 'echo x > outside-link/pwned; ln -s /etc/passwd p; cat p'])).text,
      );
    } finally {
      rmSync(join(root, 'home-link'));
      rmSync(join(root, 'outside-link'));
      rmSync(join(root, 'p'), { force: true });
    }
  });

  it('cannot plant a setuid or setgid program in the root (it would be setuid-root on the host)', async () => {
    // The sandbox's uid maps to the uid running Hearth: when that is root, a setuid file the command
    // makes in the root belongs to root on the host. chmod, install -m, cp --preserve, a setuid mode
    // at creation (python: os.open) and mknod are each tried; the file may exist, but never with the bits.
    const registry = shell({ allow: ['sh'] });
    const tries = [
      'cp /usr/bin/id a && chmod 4755 a',
      'cp /usr/bin/id b && chmod u+s,g+s b',
      'install -m 6755 /usr/bin/id c',
      'cp --preserve=mode /usr/bin/passwd d 2>/dev/null || cp --preserve=mode /usr/bin/su d',
      'mknod e p; mknod f c 1 3; true',
      'command -v python3 >/dev/null && python3 -c \'import os; os.close(os.open("g", os.O_CREAT|os.O_WRONLY, 0o4755))\'; true',
      'cp /usr/bin/id h && chmod 755 h', // innocent: allowed
    ];
    for (const attempt of tries) await run(registry, 'sh', ['-c', attempt]);
    const found = execFileSync('find', [root, '-perm', '/6000'], { encoding: 'utf8' });
    expect(found).toBe('');
    expect(execFileSync('stat', ['-c', '%a', join(root, 'h')], { encoding: 'utf8' }).trim()).toBe('755');
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) rmSync(join(root, name), { force: true });
  });

  it('system folders are read-only, no new user namespaces, host processes are invisible', async () => {
    const registry = shell({ allow: ['sh', 'unshare', 'ps'] });
    // Nothing outside the root and /tmp takes a write, not even the sandbox's own (in-memory) folders.
    const writes = await run(registry, 'sh', [
      '-c',
      'for p in /usr/bin/hearth-x /etc/hearth-x /hearth-x /root/x /home/x /dev/x /proc/x; do touch $p 2>/dev/null && echo "wrote $p"; done; touch /tmp/x && echo tmp-ok',
    ]);
    expect(writes.structured.stdout).toBe('tmp-ok\n');
    expect(existsSync('/usr/bin/hearth-x')).toBe(false);
    expect(existsSync('/etc/hearth-x')).toBe(false);
    expect((await run(registry, 'unshare', ['-r', 'id'])).result.isError).toBe(true);
    const ps = await run(registry, 'ps', ['-e', '-o', 'pid=,comm=']);
    expect(ps.structured.stdout).not.toMatch(/node|vitest/);
    // The test runner's own pid cannot be signalled from inside.
    await run(registry, 'sh', ['-c', `kill -9 ${process.pid}`]);
    expect(process.kill(process.pid, 0)).toBe(true);
  });
});

/** The host processes whose command line contains `marker` (pgrep exits 1 when there are none). */
function hostProcesses(marker: string): string {
  try {
    return execFileSync('pgrep', ['-af', marker], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

describe('shell sandbox: limits stop the work', () => {
  it('the time limit kills every process of the command, daemonised ones included', async () => {
    const { result, structured } = await run(shell({ allow: ['sh'], timeoutMs: 2000 }), 'sh', [
      '-c',
      'setsid sleep 987601 & nohup sleep 987601 & sleep 987601',
    ]);
    expect(result.isError).toBe(true);
    expect(structured.stopped).toBe('time limit');
    expect(hostProcesses('sleep 987601')).toBe('');
  });

  it('the process limit holds (as root through a pids cgroup, where the kernel ignores RLIMIT_NPROC)', async () => {
    const { structured } = await run(shell({ allow: ['sh'], limits: { processes: 20 } }), 'sh', [
      '-c',
      'i=0; while [ $i -lt 100 ]; do sleep 987604 2>/dev/null & i=$((i+1)); done; ps -e --no-headers | wc -l',
    ]);
    // The shell, ps and wc count too; without a limit about 100 sleeps would be running.
    expect(Number(structured.stdout.trim())).toBeLessThanOrEqual(20);
    expect(hostProcesses('sleep 987604')).toBe('');
  });

  it('a process flood is stopped and leaves no process behind', async () => {
    const { result } = await run(shell({ allow: ['sh'], timeoutMs: 3000, limits: { processes: 32 } }), 'sh', [
      '-c',
      'i=0; while [ $i -lt 300 ]; do sleep 987602 & i=$((i+1)); done; wait',
    ]);
    expect(result.isError).toBe(true);
    expect(hostProcesses('sleep 987602')).toBe('');
  });

  it('the private /tmp is bounded in size', async () => {
    const registry = shell({ allow: ['sh'], limits: { tmpBytes: 4 * 1024 * 1024 } });
    const { result, structured } = await run(registry, 'sh', [
      '-c',
      'head -c 16777216 /dev/zero > /tmp/fill',
    ]);
    expect(result.isError).toBe(true);
    expect(structured.stderr).toMatch(/No space left on device/);
  });

  it('yes > file is stopped by the file-size limit', async () => {
    const { result } = await run(shell({ allow: ['sh'], limits: { fileSizeBytes: 1024 * 1024 } }), 'sh', [
      '-c',
      'yes > flood.txt',
    ]);
    expect(result.isError).toBe(true);
    expect(readFileSync(join(root, 'flood.txt')).length).toBe(1024 * 1024);
    rmSync(join(root, 'flood.txt'));
  });

  it('a CPU spin is stopped by the CPU limit', async () => {
    const { result, structured } = await run(shell({ allow: ['sh'], limits: { cpuSeconds: 1 } }), 'sh', [
      '-c',
      'while :; do :; done',
    ]);
    expect(result.isError).toBe(true);
    // The kernel stopped it (SIGXCPU or, at the hard limit, SIGKILL: exit code 128 + 24 or 128 + 9), not the wall clock.
    expect([152, 137]).toContain(structured.exitCode);
    expect(structured.stopped).toBeUndefined();
  });

  it('too much output stops the command', async () => {
    const { result, structured } = await run(shell({ allow: ['yes'], maxOutputBytes: 10_000 }), 'yes', []);
    expect(result.isError).toBe(true);
    expect(structured.stopped).toBe('output limit');
    expect(structured.stdout.length).toBe(10_000);
  });

  it("the caller's time limit (abort signal) kills the sandbox too", async () => {
    const registry = new ToolRegistry([shellTool({ root, allow: ['sh'] })]);
    const call = registry.call(
      'shell',
      { command: 'sh', args: ['-c', 'setsid sleep 987603 & sleep 987603'] },
      { timeoutMs: 1500 },
    );
    await expect(call).rejects.toMatchObject({
      code: 'TOOL_TIMEOUT',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hostProcesses('sleep 987603')).toBe('');
  });
});

describe('shell sandbox: innocent commands still work', () => {
  it('git, ls, cat, grep, find and sh work in the root, and writes there land on the host', async () => {
    const registry = shell({ allow: ['git', 'ls', 'cat', 'grep', 'find', 'sh'] });
    expect((await run(registry, 'git', ['status', '--short'])).structured).toMatchObject({
      exitCode: 0,
      stdout: '?? notes.txt\n',
    });
    expect((await run(registry, 'ls', [])).structured.stdout).toBe('notes.txt\n');
    expect((await run(registry, 'cat', ['notes.txt'])).structured.stdout).toBe('alpha\nbeta\n');
    expect((await run(registry, 'grep', ['-n', 'beta', 'notes.txt'])).structured.stdout).toBe('2:beta\n');
    expect((await run(registry, 'find', ['.', '-name', '*.txt'])).structured.stdout).toBe('./notes.txt\n');
    const commit = await run(registry, 'sh', [
      '-c',
      'echo made > made.txt && git add made.txt && git -c user.name=t -c user.email=t@example.com commit -qm m && git log --format=%s',
    ]);
    expect(commit.structured).toMatchObject({ exitCode: 0, stdout: 'm\n' });
    expect(readFileSync(join(root, 'made.txt'), 'utf8')).toBe('made\n');
  });

  it('the allow-list stays a second layer', async () => {
    const registry = shell({ allow: ['ls'] });
    for (const command of ['sh', '/bin/ls', 'ls;id', 'prlimit', 'bwrap']) {
      const { result, text } = await run(registry, command, []);
      expect(result.isError, command).toBe(true);
      expect(text).toMatch(/is not allowed/);
    }
  });
});

describe('shell sandbox: refused where it cannot be built', () => {
  const context = { signal: new AbortController().signal, reportProgress: () => {}, log: () => {} };

  it('names apt-get install bubblewrap when bwrap is missing', async () => {
    const tool = shellTool({ root, allow: ['ls'], bwrap: join(base, 'no-such-bwrap') });
    const error = await Promise.resolve(tool.run({ command: 'ls', args: [] }, context)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ShellSandboxUnavailableError);
    expect(error).toMatchObject({
      code: 'SHELL_SANDBOX_UNAVAILABLE',
      message: expect.stringMatching(/not installed.*apt-get install bubblewrap/),
    });
  });

  it('passes on why when bwrap cannot create namespaces, and runs nothing', async () => {
    // A stand-in for a kernel without user namespaces: bwrap's own message and exit code.
    const fake = join(base, 'bwrap-no-userns');
    writeFileSync(fake, '#!/bin/sh\necho "bwrap: No permissions to creating new namespace" >&2\nexit 1\n', {
      mode: 0o755,
    });
    const tool = shellTool({ root, allow: ['ls'], bwrap: fake });
    const error = await Promise.resolve(tool.run({ command: 'ls', args: [] }, context)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'SHELL_SANDBOX_UNAVAILABLE',
      message: expect.stringMatching(
        /cannot create the sandbox here.*No permissions to creating new namespace.*apt-get install bubblewrap/,
      ),
    });
  });

  it('refuses a root that would make system folders writable', async () => {
    const tool = shellTool({ root: '/', allow: ['ls'] });
    await expect(Promise.resolve(tool.run({ command: 'ls', args: [] }, context))).rejects.toMatchObject({
      code: 'SHELL_SANDBOX_UNAVAILABLE',
    });
  });
});
