import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpClientConnection } from '@hearth/mcp';
import { afterAll, describe, expect, it } from 'vitest';
import { hearthMcpStdioServer, runHearth } from './test-support/hearth-binary.js';

// A user's project outside the checkout, as `npm init` leaves it: a CommonJS package.json and no
// node_modules. Its modules import `@hearth/core` and `zod` by name (resolved from the CLI's own
// installation) and use top-level await (so they must load as ES modules).
const project = mkdtempSync(join(tmpdir(), 'hearth-user-project-'));
mkdirSync(join(project, 'src'));
mkdirSync(join(project, 'tools'));
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'mine', type: 'commonjs' }));
writeFileSync(
  join(project, 'src', 'shout.ts'),
  `import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';
const suffix = await Promise.resolve('!');
/** Upper-cases a word in two steps (two nodes: two progress notifications). */
export const shout = defineWorkflow({
  name: 'shout',
  description: 'Shouts a word',
  model: 'tiny',
  state: z.object({ word: z.string().min(1), loud: z.string().default('') }),
  nodes: {
    upper: { run: (state) => ({ loud: state.word.toUpperCase() }) },
    exclaim: { run: (state) => ({ loud: state.loud + suffix }) },
  },
  edges: [
    { from: START, to: 'upper' },
    { from: 'upper', to: 'exclaim' },
    { from: 'exclaim', to: END },
  ],
});
`,
);
writeFileSync(
  join(project, 'src', 'helper.ts'),
  `import { defineAgent } from '@hearth/core';
export const helper = defineAgent({ name: 'helper', description: 'Answers briefly', instructions: 'Answer in one word.', model: 'tiny', maxSteps: 1, maxTokens: 24 });
`,
);
writeFileSync(
  join(project, 'tools', 'summarizer.ts'),
  `import { defineAgent } from '@hearth/core';
const summarizer = defineAgent({ name: 'summarizer', description: 'Summarizes text', instructions: 'Summarize.', model: 'tiny', maxSteps: 1, maxTokens: 24 });
export const summarize = summarizer.asTool();
`,
);
// A workflow of plain functions names no model: served, it runs without one.
writeFileSync(
  join(project, 'src', 'twice.ts'),
  `import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';
export default defineWorkflow({
  name: 'twice',
  description: 'Says a word twice',
  state: z.object({ word: z.string(), said: z.string().default('') }),
  nodes: { say: { run: (state) => ({ said: state.word + ' ' + state.word }) } },
  edges: [{ from: START, to: 'say' }, { from: 'say', to: END }],
});
`,
);
writeFileSync(
  join(project, 'hearth.config.json'),
  JSON.stringify({
    tools: { dirs: ['tools'] },
    agents: ['src/helper.ts'],
    workflows: ['src/shout.ts', 'src/twice.ts'],
  }),
);

describe('a user project outside the checkout (CommonJS, no node_modules)', () => {
  it('hearth run loads its TypeScript workflow by file and by the name its config gives', async () => {
    const byFile = await runHearth(['run', './src/shout.ts', '--input', '{"word":"hi"}', '--json'], {
      cwd: project,
    });
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(JSON.parse(byFile.stdout)).toMatchObject({ output: { loud: 'HI!' } });
    const byName = await runHearth(['run', 'shout', '--input', '{"word":"yo"}', '--json'], { cwd: project });
    expect(byName.code, byName.stderr).toBe(0);
    expect(JSON.parse(byName.stdout)).toMatchObject({ output: { loud: 'YO!' } });
  });

  describe('hearth mcp serve with no flags', () => {
    const connection = new McpClientConnection({
      name: 'hearth',
      ...hearthMcpStdioServer([]),
      cwd: project,
      timeoutMs: 120_000,
    });
    afterAll(() => connection.close());

    it("serves the project's agents, workflows and asTool() tools beside the built-ins, not the examples", async () => {
      const tools = new Map((await connection.listRemoteTools()).map((tool) => [tool.name, tool]));
      for (const name of ['shout', 'helper', 'summarizer', 'fs_read'])
        expect(tools.has(name), name).toBe(true);
      expect(tools.has('sales-report')).toBe(false);
      expect(tools.get('shout')?.inputSchema).toMatchObject({
        properties: { word: { type: 'string', minLength: 1 } },
        required: expect.arrayContaining(['word']),
      });
      expect(tools.get('helper')?.description).toBe('agent: Answers briefly');
    });

    it('a call runs the workflow with a progress notification per node', async () => {
      const progress: string[] = [];
      const result = await connection.callTool(
        'shout',
        { word: 'mcp' },
        { onProgress: (_step, _total, message) => progress.push(message ?? '') },
      );
      expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
      expect(result.structuredContent).toMatchObject({ loud: 'MCP!' });
      expect(progress).toEqual(['upper', 'exclaim']);
    });

    it('a workflow that names no model runs without one', async () => {
      const result = await connection.callTool('twice', { word: 'echo' });
      expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
      expect(result.structuredContent).toMatchObject({ said: 'echo echo' });
    });

    it('an agent exported as agent.asTool() from a tools folder runs on the served model', async () => {
      const result = await connection.callTool('summarizer', { prompt: 'Hearth runs agents locally.' });
      // tiny's words are noise; the run reaching an answer on the served model is the point.
      expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
      expect(result.structuredContent).toMatchObject({
        stopReason: expect.any(String),
        steps: expect.any(Number),
      });
    });

    it('fs tools are rooted at the project folder', async () => {
      writeFileSync(join(project, 'note.txt'), 'from the project');
      const result = await connection.callTool('fs_read', { path: 'note.txt' });
      expect(JSON.stringify(result.content)).toContain('from the project');
    });
  });

  it('started in / with no config, mcp serve refuses to root the fs tools there and names --fs-root', async () => {
    const { code, stderr } = await runHearth(['mcp', 'serve', '--no-browser'], { cwd: '/' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/refusing to serve the fs tools rooted at \/.*--fs-root/);
  });
});
