import { request as httpRequest } from 'node:http';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { startHearth } from './test-support/hearth-binary.js';
import { runHearthInProcess } from './test-support/run-in-process.js';

// Settings an operator can get wrong, and the servers started from the real `hearth` binary.

const token = 'weak-settings-token-0123456789';

const hearth = (args: string[], env: Record<string, string> = {}) => startHearth(args, { env });

/** Runs `hearth <args>` in process and returns the usage error it stops with. */
async function usageError(args: string[]): Promise<CommanderError> {
  const error = await runHearthInProcess(args).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(CommanderError);
  return error as CommanderError;
}

describe('every numeric flag refuses what is not a whole number in range, naming the flag and the value', () => {
  const cases: [string[], string][] = [
    [['mcp', 'serve', '--http', '--max-body-bytes', 'abc'], '--max-body-bytes'],
    [['mcp', 'serve', '--http', '--max-body-bytes', '-1'], '--max-body-bytes'],
    [['mcp', 'serve', '--http', '--port', '33x'], '--port'],
    [['mcp', 'serve', '--http', '--max-sessions', '0'], '--max-sessions'],
    [['mcp', 'serve', '--http', '--max-sessions-per-client', 'NaN'], '--max-sessions-per-client'],
    [['mcp', 'serve', '--http', '--session-idle-timeout', '1e3'], '--session-idle-timeout'],
    [['serve', '--model', 'tiny', '--max-body-bytes', 'abc'], '--max-body-bytes'],
    [['serve', '--model', 'tiny', '--max-body-mb', '0x10'], '--max-body-mb'],
    [['serve', '--model', 'tiny', '--port', ''], '--port'],
    [['serve', '--model', 'tiny', '--threads', '1.5'], '--threads'],
    [['generate', '--model', 'tiny', '--prompt', 'x', '--max-tokens', 'Infinity'], '--max-tokens'],
    [['generate', '--model', 'tiny', '--prompt', 'x', '--context-size', ' '], '--context-size'],
    [['models', 'fit', 'tiny', '--context', '12abc'], '--context'],
    [['testkit', 'make', '--seed', '-5'], '--seed'],
  ];
  it.each(cases)('hearth %j', async (args, flag) => {
    const error = await usageError(args);
    expect(error.exitCode).toBe(1); // commander's own code; the CLI maps every CommanderError to exit 2
    const value = args[args.indexOf(flag) + 1] as string;
    expect(error.message).toMatch(new RegExp(`option .(-\\w, )?${flag} `));
    expect(error.message).toContain(`argument '${value}' is invalid`);
    expect(error.message).toMatch(/expected .*whole number/);
  });

  it('exits 2 from the real binary: `mcp serve --max-body-bytes abc` no longer serves without a limit', async () => {
    const run = hearth(['mcp', 'serve', '--http', '--port', '0', '--max-body-bytes', 'abc']);
    expect((await run.closed).code).toBe(2);
    expect(run.stderr()).toMatch(/--max-body-bytes <bytes>' argument 'abc' is invalid/);
  });
});

describe('weak tokens', () => {
  it('`hearth serve --token x` exits 2 before loading the model and says why 16 characters', async () => {
    const run = hearth(['serve', '--token', 'x', '--model', '/does/not/exist.gguf']);
    expect((await run.closed).code).toBe(2);
    expect(run.stderr()).toMatch(/token is 1 characters long; use at least 16 .*guessed/);
  });

  it('`hearth mcp serve --http --token short` exits 2', async () => {
    const run = hearth(['mcp', 'serve', '--http', '--port', '0', '--token', 'short', '--no-agents']);
    expect((await run.closed).code).toBe(2);
    expect(run.stderr()).toMatch(/token is 5 characters long; use at least 16/);
  });
});

describe('one body-size flag for both servers', () => {
  it('`hearth serve --max-body-mb` still works as a deprecated alias and says what to use', async () => {
    const run = hearth(['serve', '--max-body-mb', '2', '--model', '/does/not/exist.gguf']);
    expect((await run.closed).code).toBe(2); // the missing model, after the warning
    expect(run.stderr()).toMatch(/--max-body-mb is deprecated .* use --max-body-bytes 2097152/);
  });
});

/** A raw initialize to 127.0.0.1 with a forged Host header; returns the HTTP status. */
function initialize(port: number, host: string, from = '127.0.0.1'): Promise<number> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        localAddress: from,
        path: '/mcp',
        method: 'POST',
        headers: {
          host,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('hearth mcp serve --allowed-host and session limits (real binary)', () => {
  it('answers a client that reaches it as 192.0.2.2 only with --allowed-host, and --max-sessions refuses (503) rather than evicts', async () => {
    const common = ['mcp', 'serve', '--http', '--port', '0', '--token', token, '--no-agents', '--no-browser'];
    const plain = hearth(common);
    const plainPort = Number(
      (await plain.stderrMatch(/serving \d+ tools at http:\/\/127\.0\.0\.1:(\d+)/))[1],
    );
    expect(await initialize(plainPort, `192.0.2.2:${plainPort}`)).toBe(403);
    plain.child.kill('SIGTERM');
    expect((await plain.closed).code).toBe(0);

    const open = hearth([...common, '--allowed-host', '192.0.2.2', '--max-sessions', '2']);
    const port = Number((await open.stderrMatch(/serving \d+ tools at http:\/\/127\.0\.0\.1:(\d+)/))[1]);
    const host = `192.0.2.2:${port}`;
    // Three clients (source addresses): the third finds both sessions held by others, none idle.
    const statuses = [];
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
      statuses.push(await initialize(port, host, from));
    expect(statuses).toEqual([200, 200, 503]);
    open.child.kill('SIGTERM');
    expect((await open.closed).code).toBe(0);
  });
});

describe('memory fit before every load', () => {
  it('`hearth generate --model tiny --context-size 100000000` exits 3 with the numbers, before any model process', async () => {
    const run = hearth(['generate', '--model', 'tiny', '--context-size', '100000000', '--prompt', 'hi']);
    expect((await run.closed).code).toBe(3);
    expect(run.stderr()).toMatch(
      /needs about [\d.]+ [GT]iB at a context of 100000000 tokens .*this machine has [\d.]+ GiB \([\d.]+ GiB available now\)/,
    );
    expect(run.stderr()).toMatch(/shorter context \(--context-size\), a smaller quantisation/);
    expect(run.stderr()).toMatch(/--skip-memory-check/);
  });
});
