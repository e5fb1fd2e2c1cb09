// Throwaway Redis and Postgres servers for tests, demos and people trying the queue on one machine
// (`hearth testkit services start|stop`). Recipes in ../shared/facts/gemma4-gguf.md: Redis with an
// append-only file so a restart keeps the queue; Postgres refuses to run as root, so as root its data
// directory is chowned to the `postgres` user and its programs run through `runuser`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ServiceStartError } from './service-start-error.js';

const run = promisify(execFile);

/** Where the started services listen. */
export interface ServiceUrls {
  /** `redis://127.0.0.1:PORT`. */
  redisUrl: string;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication, local only). */
  postgresUrl: string;
}

export interface StartServicesOptions {
  /** Directory holding the state file and Redis's files; created when missing. */
  dir: string;
}

/** What `stopServices` needs, written to `<dir>/services.json` so another process can stop them. */
interface ServicesState extends ServiceUrls {
  redis: { port: number; pidFile: string };
  postgres: { port: number; dataDir: string; runAsPostgres: boolean };
}

const stateFileName = 'services.json';
const readyTimeoutMs = 30_000;

/**
 * Starts a Redis (append-only on, bound to 127.0.0.1) and a Postgres (fresh `initdb`, `fsync=off`,
 * TCP on 127.0.0.1 only) on free ports and writes their state to `<dir>/services.json`. Refuses a
 * directory whose services are still recorded as running (stop them first).
 */
export async function startServices(options: StartServicesOptions): Promise<ServiceUrls> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const statePath = join(dir, stateFileName);
  if (existsSync(statePath)) {
    throw new ServiceStartError(
      'SERVICE_START_FAILED',
      `${statePath} exists: services from this directory may still be running. ` +
        `Stop them first (hearth testkit services stop --dir ${dir}) or pick another --dir.`,
    );
  }
  const redis = await startRedis(join(dir, 'redis'));
  let postgres: ServicesState['postgres'];
  try {
    postgres = await startPostgres();
  } catch (error) {
    await stopRedis(redis.pidFile).catch(() => undefined);
    throw error;
  }
  const state: ServicesState = {
    redisUrl: `redis://127.0.0.1:${redis.port}`,
    postgresUrl: `postgres://postgres@127.0.0.1:${postgres.port}/postgres`,
    redis,
    postgres,
  };
  await writeFile(statePath, `${JSON.stringify(state, null, 2)}\n`);
  return { redisUrl: state.redisUrl, postgresUrl: state.postgresUrl };
}

/**
 * Stops the services recorded in `<dir>/services.json` (from any process), deletes Postgres's data and
 * the state file. Redis's append-only file stays in `<dir>/redis` (delete the directory when done).
 */
export async function stopServices(dir: string): Promise<void> {
  const statePath = join(resolve(dir), stateFileName);
  let state: ServicesState;
  try {
    state = JSON.parse(await readFile(statePath, 'utf8')) as ServicesState;
  } catch (error) {
    throw new ServiceStartError(
      'SERVICE_STATE_MISSING',
      `No services are recorded in ${statePath}; start them with hearth testkit services start --dir ${dir}.`,
      { cause: error },
    );
  }
  const failures: string[] = [];
  await stopRedis(state.redis.pidFile).catch((error: Error) => failures.push(`Redis: ${error.message}`));
  await stopPostgres(state.postgres).catch((error: Error) => failures.push(`Postgres: ${error.message}`));
  await rm(statePath, { force: true });
  if (failures.length > 0) throw new ServiceStartError('SERVICE_STOP_FAILED', failures.join('\n'));
}

/**
 * Restarts the recorded Redis on the same port and files (for tests of a Redis restart mid-run); the
 * append-only file brings the queue back.
 */
export async function restartRedis(dir: string): Promise<void> {
  const state = JSON.parse(await readFile(join(resolve(dir), stateFileName), 'utf8')) as ServicesState;
  await stopRedis(state.redis.pidFile);
  await startRedis(join(resolve(dir), 'redis'), state.redis.port);
}

async function startRedis(redisDir: string, port?: number): Promise<ServicesState['redis']> {
  await mkdir(redisDir, { recursive: true });
  const chosenPort = port ?? (await freePort());
  const pidFile = join(redisDir, 'redis.pid');
  const logFile = join(redisDir, 'redis.log');
  const args = [
    '--port',
    String(chosenPort),
    '--bind',
    '127.0.0.1',
    '--dir',
    redisDir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--daemonize',
    'yes',
    '--pidfile',
    pidFile,
    '--logfile',
    logFile,
  ];
  try {
    await run('redis-server', args);
  } catch (error) {
    throw startFailure('redis-server', error, logFile, 'redis-server (apt-get install -y redis-server)');
  }
  if (!(await waitFor(() => redisAnswers(chosenPort)))) {
    throw new ServiceStartError(
      'SERVICE_START_FAILED',
      `redis-server did not answer PING on 127.0.0.1:${chosenPort} within ${readyTimeoutMs / 1000} s.\n${await tail(logFile)}`,
    );
  }
  return { port: chosenPort, pidFile };
}

async function stopRedis(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await waitFor(async () => !isAlive(pid)))) {
    process.kill(pid, 'SIGKILL');
  }
}

async function startPostgres(): Promise<ServicesState['postgres']> {
  const binDir = await postgresBinDir();
  // A short path under the system temp directory: the unix socket lives here too (108-byte limit), and
  // the `postgres` user can reach it whatever the permissions of the caller's directory.
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-pg-'));
  const runAsPostgres = userInfo().uid === 0;
  if (runAsPostgres) {
    const { uid, gid } = await postgresUser();
    await chown(dataDir, uid, gid);
  }
  const port = await freePort();
  const logFile = join(dataDir, 'postgres.log');
  const pgData = join(dataDir, 'data');
  try {
    await asPostgres(runAsPostgres, join(binDir, 'initdb'), [
      '-D',
      pgData,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    await asPostgres(runAsPostgres, join(binDir, 'pg_ctl'), [
      '-D',
      pgData,
      '-l',
      logFile,
      '-o',
      `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  } catch (error) {
    const failure = startFailure('Postgres', error, logFile, 'postgresql (apt-get install -y postgresql)');
    await rm(dataDir, { recursive: true, force: true });
    throw failure;
  }
  return { port, dataDir, runAsPostgres };
}

async function stopPostgres(state: ServicesState['postgres']): Promise<void> {
  const pgData = join(state.dataDir, 'data');
  if (existsSync(join(pgData, 'postmaster.pid'))) {
    const binDir = await postgresBinDir();
    await asPostgres(state.runAsPostgres, join(binDir, 'pg_ctl'), ['-D', pgData, '-m', 'fast', '-w', 'stop']);
  }
  await rm(state.dataDir, { recursive: true, force: true });
}

/** Postgres's programs: `pg_config --bindir`, else the newest `/usr/lib/postgresql/<version>/bin`. */
async function postgresBinDir(): Promise<string> {
  const fromConfig = await run('pg_config', ['--bindir']).then(
    ({ stdout }) => stdout.trim(),
    () => '',
  );
  if (fromConfig !== '' && existsSync(join(fromConfig, 'initdb'))) return fromConfig;
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const newest = versions
    .filter((version) => existsSync(join('/usr/lib/postgresql', version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new ServiceStartError(
      'SERVICE_START_FAILED',
      "Postgres's initdb was not found (pg_config --bindir, /usr/lib/postgresql/*/bin). " +
        'Install it with sudo apt-get install -y postgresql (or scripts/install-system-deps.sh).',
    );
  }
  return join('/usr/lib/postgresql', newest, 'bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    return { uid: Number(stdout.trim()), gid: Number(group.trim()) };
  } catch (error) {
    throw new ServiceStartError(
      'SERVICE_START_FAILED',
      'Postgres refuses to run as root and there is no "postgres" user to run it as. ' +
        'Install Postgres from apt (it creates the user) or run as a non-root user.',
      { cause: error },
    );
  }
}

function asPostgres(runAsPostgres: boolean, program: string, args: string[]) {
  return runAsPostgres ? run('runuser', ['-u', 'postgres', '--', program, ...args]) : run(program, args);
}

function startFailure(what: string, error: unknown, logFile: string, install: string): ServiceStartError {
  const failed = error as NodeJS.ErrnoException & { stderr?: string };
  if (failed.code === 'ENOENT') {
    return new ServiceStartError('SERVICE_START_FAILED', `${what} is not installed: install ${install}.`, {
      cause: error,
    });
  }
  return new ServiceStartError(
    'SERVICE_START_FAILED',
    `${what} failed to start: ${(failed.stderr ?? failed.message).trim().slice(-1500)}\nLog: ${logFile}`,
    { cause: error },
  );
}

async function tail(file: string): Promise<string> {
  return (await readFile(file, 'utf8').catch(() => '')).slice(-1500);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

/** True when a Redis on 127.0.0.1:port answers `PING` (a loading Redis answers `-LOADING`). */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolveAnswer(reply.startsWith('+PONG')));
    socket.on('error', () => undefined);
  });
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
