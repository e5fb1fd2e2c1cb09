import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hearthMcpStdioServer } from './test-support/hearth-binary.js';

// The modules import core and zod by URL: the project folder has no node_modules of its own.
const coreUrl = import.meta.resolve('@hearth/core');
const zodUrl = import.meta.resolve('zod');

// A user's project in another folder: a hearth.config.json whose tools.dirs holds a tool module.
// `hearth mcp serve` started there (no flags naming the config) runs that module; it must say so
// on stderr and keep stdout for the protocol.
let project: string;
let extraDir: string;
let server: ChildProcessWithoutNullStreams;
let stderr = '';

function toolModule(name: string): string {
  return `import { defineTool } from ${JSON.stringify(coreUrl)};
import { z } from ${JSON.stringify(zodUrl)};
export const tool = defineTool({ name: ${JSON.stringify(name)}, description: 'test tool', input: z.object({}), run: () => 'ok' });
`;
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'hearth-mcp-config-'));
  mkdirSync(join(project, 'my-tools'));
  writeFileSync(join(project, 'my-tools', 'greet.mjs'), toolModule('project_greet'));
  writeFileSync(join(project, 'hearth.config.json'), JSON.stringify({ tools: { dirs: ['my-tools'] } }));
  extraDir = join(project, 'extra');
  mkdirSync(extraDir);
  writeFileSync(join(extraDir, 'wave.mjs'), toolModule('extra_wave'));

  const hearth = hearthMcpStdioServer(['--no-agents', '--no-browser', '--tools', 'extra']);
  server = spawn(hearth.command, hearth.args, { cwd: project, env: hearth.env });
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
});
afterAll(() => {
  server?.kill();
  rmSync(project, { recursive: true, force: true });
});

describe('hearth mcp serve with a hearth.config.json in the working directory', () => {
  it('prints the config file, each tools directory and its tools on stderr; stdout stays JSON-RPC', async () => {
    const lines = createInterface({ input: server.stdout });
    server.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '0' } } })}\n`,
    );
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      server.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
    });
    // The very first stdout line is the protocol's answer, not a log line.
    expect(JSON.parse(first)).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { serverInfo: expect.any(Object) },
    });
    server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
    const listed = JSON.parse(await new Promise<string>((resolve) => lines.once('line', resolve)));
    const names = (listed.result.tools as { name: string }[]).map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['project_greet', 'extra_wave']));

    expect(stderr).toContain(`hearth mcp: read ${join(project, 'hearth.config.json')}`);
    expect(stderr).toContain(
      `hearth mcp: ran the tool modules in ${join(project, 'my-tools')} (tools.dirs in the config): project_greet`,
    );
    expect(stderr).toContain(`hearth mcp: ran the tool modules in ${extraDir} (--tools): extra_wave`);
  });
});
