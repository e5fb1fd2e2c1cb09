import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { sep } from 'node:path';
import { hearthHome } from '@hearth/engine';
import { ShellSandboxUnavailableError } from './errors/shell-sandbox-unavailable-error.js';

/** Kernel limits applied (with `prlimit`) to every process in the sandbox. */
export interface ShellLimits {
  /** CPU seconds per process (RLIMIT_CPU; default 30). */
  cpuSeconds: number;
  /** Address space per process in bytes (RLIMIT_AS; default 2 GiB). */
  memoryBytes: number;
  /** Largest file a process may write, in bytes (RLIMIT_FSIZE; default 64 MiB). */
  fileSizeBytes: number;
  /**
   * Processes of the sandbox user (RLIMIT_NPROC; default 64). The kernel does not apply RLIMIT_NPROC
   * to uid 0, so when Hearth runs as root the same number caps a pids cgroup of the command where a
   * cgroup v1 pids hierarchy is writable; elsewhere only the wall-clock limit stops a fork flood.
   */
  processes: number;
  /** Size of the private `/tmp` (a tmpfs in memory), in bytes (default 64 MiB). */
  tmpBytes: number;
}

export const defaultShellLimits: ShellLimits = {
  cpuSeconds: 30,
  memoryBytes: 2 * 1024 ** 3,
  fileSizeBytes: 64 * 1024 ** 2,
  processes: 64,
  tmpBytes: 64 * 1024 ** 2,
};

export interface SandboxSpec {
  /** Real path of the only writable folder; bound read-write at the same path and used as the working directory. */
  root: string;
  /** Share the host's network (default: a private network namespace with only its own loopback). */
  network: boolean;
  limits: ShellLimits;
  /** The bubblewrap binary (name looked up on PATH, or a path). */
  bwrap: string;
  /** The seccomp filter `setuidSeccompFilter()` built for this machine. */
  seccomp: Buffer;
}

export interface SandboxRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why Hearth stopped the sandbox, when it did: the time limit, the abort signal or too much output. */
  stopped?: 'time limit' | 'aborted' | 'output limit';
}

/** The unprivileged user and group the command runs as (the conventional `nobody`/`nogroup`). */
const SANDBOX_ID = 65534;
const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';
/** System folders bound read-only; on merged-/usr systems the top-level ones are symlinks, recreated as such. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** The few files under /etc that dynamic linking and common programs (git, find, grep, sh) read. */
const ETC_FILES = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/localtime',
];
/** Extra /etc files for name resolution and TLS, bound only when the network is shared. */
const NETWORK_ETC_FILES = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/gai.conf',
  '/etc/ssl',
  '/etc/ca-certificates',
];
/** Host folders that may hold secrets; hidden behind empty tmpfs mounts even when a bound folder contains them. */
const PRIVATE_DIRS = ['/tmp', '/root', '/home'];
/** A passwd/group naming only the sandbox user, so `id`, `whoami` and git's ident work without the host's user list. */
const PASSWD = `nobody:x:${SANDBOX_ID}:${SANDBOX_ID}:nobody:/tmp:/usr/sbin/nologin\n`;
const GROUP = `nogroup:x:${SANDBOX_ID}:\n`;

/**
 * Syscall numbers of the calls that can set a file's set-user-ID or set-group-ID bit, and which
 * argument carries the mode. The sandbox's uid maps to the uid running Hearth, so when that is
 * root a file the command marks setuid in the root would be a setuid-root program on the host.
 */
const MODE_SYSCALLS: Partial<
  Record<NodeJS.Architecture, { audit: number; calls: [nr: number, modeArg: number][]; denied: number[] }>
> = {
  // open, creat, chmod, fchmod, mknod, openat, mknodat, fchmodat, fchmodat2; openat2 (mode inside a struct) is denied.
  x64: {
    audit: 0xc000003e,
    calls: [
      [2, 2],
      [85, 1],
      [90, 1],
      [91, 1],
      [133, 1],
      [257, 3],
      [259, 2],
      [268, 2],
      [452, 2],
    ],
    denied: [437],
  },
  // fchmod, fchmodat, mknodat, openat, fchmodat2; openat2 denied.
  arm64: {
    audit: 0xc00000b7,
    calls: [
      [52, 1],
      [53, 2],
      [33, 2],
      [56, 3],
      [452, 2],
    ],
    denied: [437],
  },
};

/**
 * A classic-BPF seccomp filter (the raw `sock_filter` array bwrap's `--seccomp` reads) that fails
 * with EPERM every call above whose mode has S_ISUID or S_ISGID, and any call from another ABI
 * (32-bit or x32 entry points, which have other numbers). Undefined on architectures not listed.
 */
export function setuidSeccompFilter(arch: NodeJS.Architecture = process.arch): Buffer | undefined {
  const table = MODE_SYSCALLS[arch];
  if (!table) return undefined;
  const LD_W_ABS = 0x20;
  const JEQ_K = 0x15;
  const JGE_K = 0x35;
  const JSET_K = 0x45;
  const RET_K = 0x06;
  const ALLOW = 0x7fff0000;
  const EPERM = 0x00050000 | 1;
  const SETID_BITS = 0o6000;
  const program: [code: number, jt: number, jf: number, k: number][] = [];
  const ins = (code: number, jt: number, jf: number, k: number) => program.push([code, jt, jf, k]);
  ins(LD_W_ABS, 0, 0, 4); // arch
  ins(JEQ_K, 1, 0, table.audit);
  ins(RET_K, 0, 0, EPERM);
  ins(LD_W_ABS, 0, 0, 0); // syscall number
  ins(JGE_K, 0, 1, 0x40000000); // x32 numbers on x86_64
  ins(RET_K, 0, 0, EPERM);
  for (const nr of table.denied) {
    ins(JEQ_K, 0, 1, nr);
    ins(RET_K, 0, 0, EPERM);
  }
  for (const [nr, modeArg] of table.calls) {
    // if (nr == n) { A = low word of args[modeArg]; return A & (S_ISUID|S_ISGID) ? EPERM : ALLOW }
    ins(JEQ_K, 0, 4, nr);
    ins(LD_W_ABS, 0, 0, 16 + 8 * modeArg);
    ins(JSET_K, 0, 1, SETID_BITS);
    ins(RET_K, 0, 0, EPERM);
    ins(RET_K, 0, 0, ALLOW);
  }
  ins(RET_K, 0, 0, ALLOW);
  const buffer = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    buffer.writeUInt16LE(code, i * 8);
    buffer.writeUInt8(jt, i * 8 + 2);
    buffer.writeUInt8(jf, i * 8 + 3);
    buffer.writeUInt32LE(k, i * 8 + 4);
  });
  return buffer;
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder === sep ? folder : folder + sep);
}

/**
 * The bubblewrap arguments for one command: a fresh root with read-only system folders, a minimal
 * /etc, private /dev, /proc and /tmp, empty /root and /home, the root folder read-write, every
 * namespace unshared (network only when asked), no environment but PATH/HOME/LANG, uid/gid 65534,
 * and `prlimit` in front of the command. Exported for the tests that show what is mounted.
 */
export function bwrapArguments(spec: SandboxSpec, command: string, args: string[]): string[] {
  const out: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const info = lstatSync(dir, { throwIfNoEntry: false });
    if (info?.isSymbolicLink()) out.push('--symlink', readlinkSync(dir), dir);
    else if (info?.isDirectory()) out.push('--ro-bind', dir, dir);
  }
  for (const file of spec.network ? [...ETC_FILES, ...NETWORK_ETC_FILES] : ETC_FILES)
    out.push('--ro-bind-try', file, file);
  out.push('--ro-bind-data', '3', '/etc/passwd', '--ro-bind-data', '4', '/etc/group', '--seccomp', '5');
  out.push('--dev', '/dev', '--proc', '/proc');

  // The hidden folders and the root, parents before children (a shorter path is never inside a
  // longer one): a root under /tmp is bound on top of the empty /tmp. HEARTH_HOME needs covering only
  // where the root contains it (elsewhere nothing binds it), and only where it exists, so that bwrap
  // never creates a mount point on the host inside the writable root. Only /tmp is writable (and
  // sized); the others, like the sandbox's own / (a tmpfs too), are made read-only once every mount
  // point exists, so no command can fill memory through them.
  const home = realIfExists(hearthHome());
  const hidden = [
    ...PRIVATE_DIRS.filter((dir) => dir !== spec.root),
    ...(home && home !== spec.root && isInside(home, spec.root) ? [home] : []),
  ];
  const mounts = [
    ...hidden.map((dir) => ({
      path: dir,
      args: ['--size', String(dir === '/tmp' ? spec.limits.tmpBytes : 4096), '--tmpfs', dir],
    })),
    { path: spec.root, args: ['--bind', spec.root, spec.root] },
  ].sort((a, b) => a.path.length - b.path.length);
  for (const mount of mounts) out.push(...mount.args);
  // /dev too (a tmpfs bwrap fills with device nodes; writing to /dev/null still works on a read-only mount).
  for (const dir of ['/', '/dev', ...hidden.filter((dir) => dir !== '/tmp')]) out.push('--remount-ro', dir);

  out.push('--chdir', spec.root, '--unshare-all', '--unshare-user');
  if (spec.network) out.push('--share-net');
  out.push('--disable-userns', '--die-with-parent', '--new-session', '--clearenv');
  out.push('--setenv', 'PATH', SANDBOX_PATH, '--setenv', 'HOME', '/tmp', '--setenv', 'LANG', 'C.UTF-8');
  out.push('--uid', String(SANDBOX_ID), '--gid', String(SANDBOX_ID));
  const { cpuSeconds, memoryBytes, fileSizeBytes, processes } = spec.limits;
  out.push('--', 'prlimit', `--cpu=${cpuSeconds}`, `--as=${memoryBytes}`, `--fsize=${fileSizeBytes}`);
  out.push(`--nproc=${processes}`, '--core=0', '--', command, ...args);
  return out;
}

function realIfExists(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? realpathSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** The pids cgroup v1 hierarchy this process is in, as a writable folder, or undefined. */
function pidsCgroupParent(): string | undefined {
  try {
    const mount = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .find(([, , type, options]) => type === 'cgroup' && options?.split(',').includes('pids'))?.[1];
    const own = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find(([, controllers]) => controllers?.split(',').includes('pids'))?.[2];
    return mount && own !== undefined ? `${mount}${own === '/' ? '' : own}` : undefined;
  } catch {
    return undefined;
  }
}

let cgroupCounter = 0;

/**
 * A fresh pids cgroup capped at `processes`, for uid 0 (where RLIMIT_NPROC is not enforced), or
 * undefined where none can be made. The caller moves bwrap into it before exec and removes it after.
 */
function createPidsCgroup(processes: number): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const parent = pidsCgroupParent();
  if (!parent) return undefined;
  const dir = `${parent}/hearth-shell-${process.pid}-${++cgroupCounter}`;
  try {
    mkdirSync(dir);
    writeFileSync(`${dir}/pids.max`, String(processes));
    return dir;
  } catch {
    removeCgroup(dir);
    return undefined;
  }
}

/** Removes the cgroup once the kernel has let go of its last (exited) task: busy for a moment after the close. */
function removeCgroup(dir: string, attempt = 0): void {
  try {
    rmdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EBUSY' && attempt < 40)
      setTimeout(() => removeCgroup(dir, attempt + 1), 50).unref();
  }
}

/**
 * Runs `command` in the sandbox and collects its output. `timeoutMs` and `signal` stop the whole
 * sandbox: bwrap runs in its own process group, which is killed; bwrap is the init of the
 * sandbox's PID namespace, so every process inside dies with it (a `--new-session` child or a
 * daemonised one included).
 */
export function runSandboxed(
  spec: SandboxSpec,
  command: string,
  args: string[],
  options: { timeoutMs: number; maxOutputBytes: number; signal?: AbortSignal },
): Promise<SandboxRun> {
  return new Promise((resolve, reject) => {
    const cgroup = createPidsCgroup(spec.limits.processes);
    const bwrapArgs = bwrapArguments(spec, command, args);
    // With a cgroup, a host shell joins it and then becomes bwrap, so every sandbox process starts inside.
    const [file, argv] = cgroup
      ? ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', `${cgroup}/cgroup.procs`, spec.bwrap, ...bwrapArgs]]
      : [spec.bwrap, bwrapArgs];
    const child = spawn(file, argv, {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
      env: { PATH: process.env.PATH ?? SANDBOX_PATH },
    });
    const inputs: [number, string | Buffer][] = [
      [3, PASSWD],
      [4, GROUP],
      [5, spec.seccomp],
    ];
    for (const [fd, data] of inputs) {
      const pipe = child.stdio[fd] as NodeJS.WritableStream | null;
      pipe?.on('error', () => {}); // bwrap failed before reading it: reported through its exit code
      pipe?.end(data);
    }

    let stopped: SandboxRun['stopped'];
    const stop = (why: NonNullable<SandboxRun['stopped']>) => {
      stopped ??= why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const output = { stdout: [] as Buffer[], stderr: [] as Buffer[], bytes: 0 };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      const room = options.maxOutputBytes - output.bytes;
      if (room > 0) into.push(chunk.subarray(0, room));
      output.bytes += chunk.length;
      if (output.bytes > options.maxOutputBytes) stop('output limit');
    };
    child.stdout?.on('data', collect(output.stdout));
    child.stderr?.on('data', collect(output.stderr));

    const timer = setTimeout(() => stop('time limit'), options.timeoutMs);
    const onAbort = () => stop('aborted');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (cgroup) removeCgroup(cgroup);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        error.code === 'ENOENT'
          ? unavailable(`bubblewrap ("${spec.bwrap}") is not installed or not on PATH`)
          : unavailable(`bubblewrap ("${spec.bwrap}") could not be started: ${error.message}`),
      );
    });
    child.on('close', (code) => {
      if (cgroup) removeCgroup(cgroup);
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode: code,
        stdout: Buffer.concat(output.stdout).toString('utf8'),
        stderr: Buffer.concat(output.stderr).toString('utf8'),
        ...(stopped ? { stopped } : {}),
      });
    });
  });
}

function unavailable(why: string): ShellSandboxUnavailableError {
  return new ShellSandboxUnavailableError(
    `The shell tool runs every command in a bubblewrap sandbox, and ${why}. Install bubblewrap (Debian/Ubuntu: \`apt-get install bubblewrap\`; scripts/install-system-deps.sh does it) on a kernel that allows user namespaces, or leave the shell tool off.`,
  );
}

/** The seccomp filter for this machine, or the refusal naming why there is none. */
export function sandboxSeccomp(): Buffer {
  const filter = setuidSeccompFilter();
  if (!filter)
    throw unavailable(
      `its seccomp filter (no setuid or setgid files) exists for x64 and arm64 only, not ${process.arch}`,
    );
  return filter;
}

/**
 * Checks once that bubblewrap can build this sandbox here (installed, namespaces allowed) by
 * running `true` in it; throws `ShellSandboxUnavailableError` naming what failed otherwise.
 */
export async function checkSandbox(spec: SandboxSpec): Promise<void> {
  if (!existsSync(spec.root) || !statSync(spec.root).isDirectory())
    throw unavailable(`its root folder ${JSON.stringify(spec.root)} is not a directory`);
  const version = spawnSync(spec.bwrap, ['--version'], { env: { PATH: process.env.PATH ?? SANDBOX_PATH } });
  if (version.error)
    throw unavailable(
      (version.error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `bubblewrap ("${spec.bwrap}") is not installed or not on PATH`
        : `bubblewrap ("${spec.bwrap}") could not be started: ${version.error.message}`,
    );
  const probe = await runSandboxed(spec, 'true', [], { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 });
  if (probe.exitCode !== 0)
    throw unavailable(
      `it cannot create the sandbox here (exit code ${probe.exitCode ?? probe.stopped}): ${probe.stderr.trim() || '(no message)'}`,
    );
}

/** The real path of `root`, checked to be a directory that leaves the system folders read-only. */
export function sandboxRoot(root: string): string {
  const real = realpathSync(root);
  if (
    real === sep ||
    SYSTEM_DIRS.some((dir) => isInside(dir, real) || isInside(real, dir)) ||
    real === '/etc'
  )
    throw unavailable(
      `its root folder ${JSON.stringify(real)} would make system folders writable; choose a project folder`,
    );
  return real;
}
