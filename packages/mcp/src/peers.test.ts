import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hearthBin, node22, repoRoot, requireBuiltCli } from './test-support/cli.js';

const inspector = join(
  repoRoot,
  'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js',
);
const builtins = [
  'fs_read',
  'fs_write',
  'fs_list',
  'fs_search',
  'browser_screenshot',
  'browser_text',
  'calculator',
  'clock',
];

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// --no-agents: the agents and workflows the planner adds are tested by the planner; these tests are about the protocol.
const inspectStdio = (...args: string[]) =>
  run(node22, [inspector, '--cli', process.execPath, hearthBin, 'mcp', 'serve', '--no-agents', ...args]);

beforeAll(requireBuiltCli);

describe('@modelcontextprotocol/inspector CLI drives hearth mcp serve', () => {
  it('over stdio: tools/list shows the built-in tools, tools/call works, a bad tool name fails', async () => {
    const list = await inspectStdio('--method', 'tools/list');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual(
      builtins,
    );

    const call = await inspectStdio(
      '--method',
      'tools/call',
      '--tool-name',
      'calculator',
      '--tool-arg',
      'expression=(1+2)*3^2',
    );
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({ structuredContent: { result: 27 } });

    // A real Chromium screenshot arrives as MCP image content.
    const shot = await inspectStdio(
      '--method',
      'tools/call',
      '--tool-name',
      'browser_screenshot',
      '--tool-arg',
      'html=<h1>hello</h1>',
      '--tool-arg',
      'width=200',
      '--tool-arg',
      'height=120',
    );
    expect(shot.code, shot.stderr).toBe(0);
    const image = (
      JSON.parse(shot.stdout) as { content: { type: string; data?: string; mimeType?: string }[] }
    ).content[0];
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(
      Buffer.from(image?.data ?? '', 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const bad = await inspectStdio('--method', 'tools/call', '--tool-name', 'no_such_tool');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/no_such_tool/);
  });

  it('over Streamable HTTP with a token', async () => {
    const token = 'inspector-token-0123456789';
    const server = spawn(
      process.execPath,
      [hearthBin, 'mcp', 'serve', '--no-agents', '--http', '--port', '0', '--token', token],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        server.stderr.on('data', (d) => {
          stderr += d;
          const match = /at (http:\/\/\S+)/.exec(stderr);
          if (match?.[1]) resolve(match[1]);
        });
        server.once('exit', (code) => reject(new Error(`hearth mcp serve exited (${code}): ${stderr}`)));
      });
      const http = (...args: string[]) =>
        run(node22, [
          inspector,
          '--cli',
          url,
          '--transport',
          'http',
          '--header',
          `Authorization: Bearer ${token}`,
          ...args,
        ]);
      const list = await http('--method', 'tools/list');
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name)).toEqual(
        builtins,
      );
      const call = await http('--method', 'tools/call', '--tool-name', 'clock', '--tool-arg', 'timeZone=UTC');
      expect(call.code, call.stderr).toBe(0);
      expect(JSON.parse(call.stdout)).toMatchObject({ structuredContent: { timeZone: 'UTC' } });
      const bad = await http('--method', 'tools/call', '--tool-name', 'no_such_tool');
      expect(bad.code).not.toBe(0);
      const unauthenticated = await run(node22, [
        inspector,
        '--cli',
        url,
        '--transport',
        'http',
        '--method',
        'tools/list',
      ]);
      expect(unauthenticated.code).not.toBe(0);
    } finally {
      server.kill('SIGTERM');
    }
  });
});

describe('hearth mcp serve --http safety', () => {
  it('refuses to bind a non-loopback address without a token (exit code 2)', async () => {
    const result = await run(process.execPath, [
      hearthBin,
      'mcp',
      'serve',
      '--no-agents',
      '--http',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Refusing to serve MCP on non-loopback address 0.0.0.0 without a token/);
  });
});

describe('@modelcontextprotocol/conformance', () => {
  it('every server and client scenario passes (30/30, 4/4), with an empty baseline', async () => {
    const result = await run(node22, ['--import', 'tsx', 'packages/mcp/conformance/run.ts']);
    const summary = /CONFORMANCE (\{.*\})/.exec(result.stdout)?.[1];
    expect(summary, result.stdout + result.stderr).toBeDefined();
    console.log(`conformance: ${summary}`);
    const parsed = JSON.parse(summary as string);
    expect(parsed.server.baselineRespected).toBe(true);
    expect(parsed.server).toMatchObject({ scenariosPassed: 30, scenarios: 30, checksFailed: 0 });
    expect(parsed.client).toMatchObject({ checksFailed: 0, unexpected: 0 });
    expect(parsed.client.checksPassed).toBeGreaterThanOrEqual(10);
    expect(result.code).toBe(0);
  });
});
