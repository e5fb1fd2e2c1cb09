import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpClientConnection } from '@hearth/mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHearthMcp } from './test-support/hearth-binary.js';

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
  connection = connectHearthMcp(
    [
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
    { env: { HEARTH_MCP_SHELL_SECRET: SECRET }, timeoutMs: 60_000 },
  );
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
