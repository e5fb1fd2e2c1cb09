import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { hearthMcpStdioServer } from './test-support/hearth-binary.js';

// Tool annotations as a real MCP client sees them, checked against what each tool does: the
// examples (by what their tools and nodes do, written out here, not read from Hearth) and a user's
// project whose workflow writes from a node that skips the pause. A client trusts readOnlyHint to
// call a tool unasked, so a tool that writes must never claim it.

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function listAnnotations(
  flags: string[],
  cwd?: string,
): Promise<Map<string, ToolAnnotations | undefined>> {
  const client = new Client({ name: 'annotations-client', version: '1' }, { capabilities: {} });
  clients.push(client);
  await client.connect(
    new StdioClientTransport({ ...hearthMcpStdioServer(flags), ...(cwd ? { cwd } : {}), stderr: 'ignore' }),
  );
  const { tools } = await client.listTools();
  return new Map(tools.map((tool) => [tool.name, tool.annotations]));
}

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const writes = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };
const writesAndReaches = { ...writes, openWorldHint: true };

describe('hearth mcp serve: annotations say what each tool does', () => {
  it('each example agent and workflow, and each built-in tool', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-annotations-'));
    const annotations = await listAnnotations([
      '--fs-root',
      root,
      '--shell-allow',
      'ls',
      '--http-allow',
      'example.com',
    ]);
    const expected: Record<string, ToolAnnotations> = {
      // Parses a CSV, adds with the calculator, and writes reports/sales-report.md (fs_write, no pause).
      'sales-report': writes,
      // Drives the browser on web pages and writes its report file (fs_write, no pause).
      'bug-report': writesAndReaches,
      // Browser and http_fetch on the web, and fs_write to save findings.
      research: writesAndReaches,
      // One model turn over a screenshot and a voice note: no tools at all.
      'screen-triage': readOnly,
      fs_read: readOnly,
      fs_list: readOnly,
      fs_search: readOnly,
      calculator: readOnly,
      clock: readOnly,
      fs_write: writes,
      // Runs programs (sandboxed, but they still change the root).
      shell: writes,
      http_fetch: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      browser_screenshot: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
      browser_text: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    };
    for (const [name, want] of Object.entries(expected)) expect(annotations.get(name), name).toEqual(want);
    expect([...annotations.keys()].sort()).toEqual(Object.keys(expected).sort());
  });

  it("a user's workflow that writes from a node without a pause does not claim read-only; its pure one does", async () => {
    const project = mkdtempSync(join(tmpdir(), 'hearth-annotations-project-'));
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'mine', type: 'module' }));
    // The tool claims only to read files, yet needs approval: what needs approval is never read-only.
    writeFileSync(
      join(project, 'src', 'archive.ts'),
      `import { defineTool, defineWorkflow, END, START } from '@hearth/core';
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
const stash = defineTool({
  name: 'stash',
  description: 'Keeps a copy',
  input: z.object({ text: z.string() }),
  effects: { readsFiles: true },
  requiresApproval: true,
  run: ({ text }) => { writeFileSync('stashed.txt', text); return 'kept'; },
});
export const archive = defineWorkflow({
  name: 'archive',
  description: 'Archives a note',
  model: 'tiny',
  tools: [stash],
  state: z.object({ note: z.string(), done: z.boolean().default(false) }),
  input: z.object({ note: z.string() }),
  nodes: { keep: { tool: 'stash', approval: false, args: (state) => ({ text: state.note }), output: () => ({ done: true }) } },
  edges: [{ from: START, to: 'keep' }, { from: 'keep', to: END }],
});
`,
    );
    writeFileSync(
      join(project, 'src', 'shout.ts'),
      `import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';
export const shout = defineWorkflow({
  name: 'shout',
  description: 'Shouts a word',
  model: 'tiny',
  state: z.object({ word: z.string(), loud: z.string().default('') }),
  nodes: { upper: { run: (state) => ({ loud: state.word.toUpperCase() }) } },
  edges: [{ from: START, to: 'upper' }, { from: 'upper', to: END }],
});
`,
    );
    writeFileSync(
      join(project, 'hearth.config.json'),
      JSON.stringify({ workflows: ['src/archive.ts', 'src/shout.ts'] }),
    );
    const annotations = await listAnnotations(['--no-browser'], project);
    expect(annotations.get('archive')).toEqual(writes);
    expect(annotations.get('shout')).toEqual(readOnly);
    // And the client that trusts the hint: calling the read-only one unasked changes nothing.
    const client = clients[0] as Client;
    const before = readdirSync(project).sort();
    const shout = await client.callTool({ name: 'shout', arguments: { word: 'hi' } });
    expect(shout.isError, JSON.stringify(shout.content)).not.toBe(true);
    expect(readdirSync(project).sort()).toEqual(before);
    // The one that writes is refused to a client that cannot be asked: nothing is stashed.
    const archive = await client.callTool({ name: 'archive', arguments: { note: 'x' } });
    expect(archive.isError).toBe(true);
    expect(existsSync(join(project, 'stashed.txt'))).toBe(false);
  });
});
