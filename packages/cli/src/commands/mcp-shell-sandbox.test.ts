import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpClientConnection } from '@hearth/mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('../../', import.meta.url));

// The issue's reproduction, as an outside MCP client sees it: `hearth mcp serve --shell-allow git
// --shell-allow find` (the README's example) with --approve-all, so the call is not stopped by
// approval and only the sandbox stands between the client and the machine.
const SECRET = `mcp-shell-secret-${process.pid}`;
let base: string;
let project: string;
let secretHome: string;
let connection: McpClientConnection;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'hearth-mcp-shell-'));
  project = join(base, 'project');
  secretHome = join(base, 'home');
  mkdirSync(project);
  mkdirSync(secretHome);
  writeFileSync(join(secretHome, 'token'), SECRET);
  execFileSync('git', ['init', '-q', project]);
  connection = new McpClientConnection({
    name: 'hearth',
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      bin,
      'mcp',
      'serve',
      '--no-agents',
      '--no-browser',
      '--fs-root',
      project,
      '--shell-allow',
      'git',
      '--shell-allow',
      'find',
      '--approve-all',
    ],
    cwd: packageDir,
    env: { HEARTH_OFFLINE: '1', HEARTH_MCP_SHELL_SECRET: SECRET },
    timeoutMs: 60_000,
  });
});
afterAll(async () => {
  await connection.close();
  rmSync(base, { recursive: true, force: true });
});

function text(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((part) => part.text ?? '').join('\n');
}

describe('hearth mcp serve --shell-allow git --shell-allow find, from an MCP client', () => {
  const payload = () =>
    `id; echo RCE > ${base}/pwned; cat ${secretHome}/token; env; echo written > inside.txt`;

  it('git -c alias.x=!… and find -exec run as uid 65534 inside the fs root only', async () => {
    const viaGit = text(
      await connection.callTool('shell', {
        command: 'git',
        args: ['-c', `alias.x=!sh -c '${payload()}'`, 'x'],
      }),
    );
    const viaFind = text(
      await connection.callTool('shell', {
        command: 'find',
        args: ['.', '-maxdepth', '0', '-exec', 'sh', '-c', payload(), ';'],
      }),
    );
    for (const output of [viaGit, viaFind]) {
      expect(output).toMatch(/uid=65534\(nobody\)/);
      expect(output).not.toContain(SECRET);
    }
    expect(existsSync(join(base, 'pwned'))).toBe(false);
    // The root itself is writable: the work a command is allowed to do still happens.
    expect(existsSync(join(project, 'inside.txt'))).toBe(true);
  });
});
