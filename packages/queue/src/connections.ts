// Opening and checking the queue's two servers, with errors that say which one failed and why.
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { QueueConnectionError } from './errors/queue-connection-error.js';

/** How long a first connection may take before the server counts as unreachable. */
const connectTimeoutMs = 5_000;
/** BullMQ's Lua scripts need Redis 6.2 or newer. */
const minimumRedis = [6, 2] as const;
/** `hashtextextended` (the leases) and the checkpointer's SQL need Postgres 13 or newer. */
const minimumPostgres = 130_000;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * A Redis client for BullMQ. Blocking clients (a worker's) must retry commands forever
 * (`maxRetriesPerRequest: null`, BullMQ's requirement) and reconnect when Redis comes back; a
 * producer's commands fail fast instead, so `enqueue` reports a Redis that is down.
 */
export function redisClient(url: string, role: 'worker' | 'producer'): Redis {
  const options: RedisOptions = {
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    // Reconnect with a capped backoff: a restarted Redis is picked up within a second or two.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...(role === 'producer' ? { enableOfflineQueue: true } : {}),
  };
  return new Redis(url, options);
}

/**
 * Connects once to Redis and checks its version; nothing is retried, so a wrong URL fails within
 * the connect timeout.
 * @throws QueueConnectionError `QUEUE_REDIS_UNREACHABLE` or `QUEUE_REDIS_VERSION`.
 */
export async function checkRedis(url: string): Promise<void> {
  let client: Redis;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: connectTimeoutMs,
      // A server that accepts the connection but never answers fails too, instead of hanging.
      commandTimeout: connectTimeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
  } catch (error) {
    throw unreachable('QUEUE_REDIS_UNREACHABLE', 'Redis', url, error);
  }
  client.on('error', () => undefined);
  let info: string;
  try {
    await client.connect();
    info = await client.info('server');
  } catch (error) {
    client.disconnect();
    throw unreachable('QUEUE_REDIS_UNREACHABLE', 'Redis', url, error);
  }
  client.disconnect();
  const version = /redis_version:(\d+)\.(\d+)/.exec(info);
  const major = Number(version?.[1] ?? 0);
  const minor = Number(version?.[2] ?? 0);
  if (major < minimumRedis[0] || (major === minimumRedis[0] && minor < minimumRedis[1])) {
    throw new QueueConnectionError(
      'QUEUE_REDIS_VERSION',
      `Redis at ${redactUrl(url)} is version ${version ? `${major}.${minor}` : 'unknown'}; the queue (BullMQ) needs ${minimumRedis.join('.')} or newer. Upgrade Redis or point HEARTH_REDIS_URL at a newer one.`,
    );
  }
}

/** A connection pool; `max` connections at most, each failing within the connect timeout. */
export function postgresPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: connectTimeoutMs });
  // An idle client whose server went away emits here; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Checks that Postgres answers and is new enough.
 * @throws QueueConnectionError `QUEUE_POSTGRES_UNREACHABLE` or `QUEUE_POSTGRES_VERSION`.
 */
export async function checkPostgres(pool: pg.Pool, url: string): Promise<void> {
  let versionNumber: number;
  let version: string;
  try {
    const { rows } = await pool.query<{ num: string; version: string }>(
      "select current_setting('server_version_num') as num, current_setting('server_version') as version",
    );
    versionNumber = Number(rows[0]?.num ?? 0);
    version = rows[0]?.version ?? 'unknown';
  } catch (error) {
    throw unreachable('QUEUE_POSTGRES_UNREACHABLE', 'Postgres', url, error);
  }
  if (versionNumber < minimumPostgres) {
    throw new QueueConnectionError(
      'QUEUE_POSTGRES_VERSION',
      `Postgres at ${redactUrl(url)} is version ${version}; the queue needs 13 or newer. Upgrade it or point HEARTH_POSTGRES_URL at a newer one.`,
    );
  }
}

function unreachable(
  code: 'QUEUE_REDIS_UNREACHABLE' | 'QUEUE_POSTGRES_UNREACHABLE',
  server: string,
  url: string,
  error: unknown,
): QueueConnectionError {
  const reason = (error instanceof Error ? error.message || error.constructor.name : String(error)).replace(
    /\.+$/,
    '',
  );
  const variable =
    server === 'Redis' ? 'HEARTH_REDIS_URL / --redis-url' : 'HEARTH_POSTGRES_URL / --postgres-url';
  return new QueueConnectionError(
    code,
    `cannot reach ${server} at ${redactUrl(url)}: ${reason}. Check that it is running and that ${variable} is right ` +
      '(for one machine: hearth testkit services start --dir <dir>).',
    { cause: error },
  );
}
