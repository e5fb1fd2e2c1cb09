import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMediaFixtures } from '@hearth/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { connectHearthMcp } from './test-support/hearth-binary.js';

const workdir = mkdtempSync(join(tmpdir(), 'hearth-mcp-runnables-'));

// A real MCP client talking to `hearth mcp serve` over stdio. It cannot answer approval questions, so
// the server runs with --approve-all to let sales-report write its report (mcp-approvals.test.ts
// covers asking and refusing).
const connection = connectHearthMcp(
  ['--model', 'tiny', '--fs-root', workdir, '--no-browser', '--approve-all'],
  { timeoutMs: 120_000 },
);
afterAll(async () => {
  await connection.close();
});

describe('hearth mcp serve exposes the example agents and workflows as tools', () => {
  it('lists them next to the built-in tools, with their input schemas', async () => {
    const tools = await connection.listRemoteTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    for (const name of ['bug-report', 'sales-report', 'screen-triage', 'research'])
      expect(byName.has(name)).toBe(true);
    expect(byName.has('fs_write')).toBe(true);
    expect(byName.get('sales-report')?.description).toMatch(/^workflow: /);
    expect(JSON.stringify(byName.get('screen-triage')?.inputSchema)).toContain('attachments');
  });

  it('a call runs the workflow on the served model and returns its output', async () => {
    const result = await connection.callTool('sales-report', {});
    expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
    expect(result.structuredContent).toMatchObject({
      revenue: { north: 2042.5, south: 2390, east: 2025, west: 1520 },
      written: true,
    });
    expect(existsSync(join(workdir, 'reports/sales-report.md'))).toBe(true);
  });

  it('an agent takes an image attachment as base64 data, as its advertised schema says', async () => {
    const tools = await connection.listRemoteTools();
    const schema = tools.find((tool) => tool.name === 'screen-triage')?.inputSchema as {
      properties: { attachments: { items: { properties: Record<string, Record<string, unknown>> } } };
    };
    expect(schema.properties.attachments.items.properties.data).toMatchObject({
      type: 'string',
      contentEncoding: 'base64',
    });
    const png = readFileSync((await makeMediaFixtures()).screenshotPng);
    const result = await connection.callTool('screen-triage', {
      attachments: [{ kind: 'image', mimeType: 'image/png', data: png.toString('base64'), name: 'shot.png' }],
    });
    // The tiny model's findings are noise; what matters is that the run took the image and finished.
    expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
    expect(result.structuredContent).toMatchObject({ stopReason: expect.any(String), observations: [] });
  });
});
