import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

// A project outside the checkout with its own tool module (importing Hearth by name, resolved from
// this CLI's installation: the project has no node_modules).
const project = mkdtempSync(join(tmpdir(), 'hearth-mcp-config-project-'));
mkdirSync(join(project, 'tools'));
writeFileSync(
  join(project, 'tools', 'echo.ts'),
  `import { defineTool } from '@hearth/core';
import { z } from 'zod';
export const echo = defineTool({ name: 'project_echo', description: 'Echoes', input: z.object({ text: z.string() }), run: ({ text }) => text });
`,
);
writeFileSync(join(project, 'hearth.config.json'), JSON.stringify({ tools: { dirs: ['tools'] } }));

async function printedConfig(client: string, cwd = tmpdir()) {
  const { code, stdout, stderr } = await runHearth(
    ['mcp', 'config', '--client', client, '--project', project],
    {
      cwd,
    },
  );
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as Record<
    string,
    Record<string, { command: string; args: string[]; type?: string }>
  >;
}

describe('hearth mcp config', () => {
  it.each([
    ['claude-desktop', 'mcpServers'],
    ['cursor', 'mcpServers'],
  ])(
    '%s: {"%s": {"hearth": {command, args}}} with absolute paths, --fs-root and --config',
    async (client, key) => {
      const config = await printedConfig(client);
      const server = config[key]?.hearth;
      expect(server?.command).toBe(process.execPath);
      expect(server?.args[0]).toMatch(/^\/.*\/bin\/hearth\.js$/);
      expect(server?.args.slice(1)).toEqual([
        'mcp',
        'serve',
        '--fs-root',
        project,
        '--config',
        join(project, 'hearth.config.json'),
      ]);
    },
  );

  it('vscode: {"servers": {"hearth": {"type": "stdio", ...}}}; started from / by a real MCP client, it serves the project', async () => {
    const server = (await printedConfig('vscode')).servers?.hearth;
    expect(server?.type).toBe('stdio');
    if (!server) throw new Error('no server in the printed config');
    const transport = new StdioClientTransport({
      command: server.command,
      args: server.args,
      cwd: '/',
      env: { ...(process.env as Record<string, string>), HEARTH_OFFLINE: '1' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcp-config-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['project_echo', 'fs_read']));
      writeFileSync(join(project, 'here.txt'), 'in the project');
      const read = await client.callTool({ name: 'fs_read', arguments: { path: 'here.txt' } });
      expect(JSON.stringify(read.content)).toContain('in the project');
    } finally {
      await client.close();
    }
  });

  it('refuses to make / the project, naming --project', async () => {
    const { code, stderr } = await runHearth(['mcp', 'config', '--client', 'cursor'], { cwd: '/' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--project/);
  });

  it('names the clients it knows when given another', async () => {
    const { code, stderr } = await runHearth(['mcp', 'config', '--client', 'emacs']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/claude-desktop, cursor, vscode/);
  });
});
