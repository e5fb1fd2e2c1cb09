import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpClientConnection } from '@hearth/mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHearthMcp } from './test-support/hearth-binary.js';

// The FIFO reproduction from an MCP client: fs_write to a FIFO inside the root used to hang,
// and after four such calls every fs_* call of every client hung. --approve-all lets the writes through
// approval so that only the fs tools' own checks decide.
let root: string;
let connection: McpClientConnection;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-mcp-fifo-'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
  writeFileSync(join(root, 'notes.txt'), 'still readable\n');
  connection = connectHearthMcp(['--no-agents', '--no-browser', '--fs-root', root, '--approve-all'], {
    timeoutMs: 20_000,
  });
});
afterAll(async () => {
  await connection.close();
  rmSync(root, { recursive: true, force: true });
});

describe('hearth mcp serve: fs tools and a FIFO in the root', () => {
  it('ten fs_write calls to the FIFO are refused at once, and fs_read, fs_list and fs_write still answer', async () => {
    for (let i = 0; i < 10; i++) {
      const result = await connection.callTool('fs_write', { path: 'pipe', content: `attempt ${i}` });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/is a FIFO \(named pipe\)/);
    }
    const read = await connection.callTool('fs_read', { path: 'pipe' });
    expect(JSON.stringify(read.content)).toMatch(/is a FIFO/);
    expect(JSON.stringify((await connection.callTool('fs_read', { path: 'notes.txt' })).content)).toContain(
      'still readable',
    );
    expect((await connection.callTool('fs_list', { path: '.' })).isError).not.toBe(true);
    expect((await connection.callTool('fs_write', { path: 'after.txt', content: 'ok' })).isError).not.toBe(
      true,
    );
    expect(readFileSync(join(root, 'after.txt'), 'utf8')).toBe('ok');
  });
});
