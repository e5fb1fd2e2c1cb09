import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HearthConfigError } from '../errors/hearth-config-error.js';
import { InvalidToolError } from '../errors/invalid-tool-error.js';
import { loadToolsFromDirectory } from '../tools/load-tools.js';
import { loadHearthConfig, mcpServersFromConfig, parseHearthConfig } from './hearth-config.js';

describe('hearth.config.json', () => {
  it('parses servers and tool options, resolving paths against the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-config-'));
    await writeFile(
      join(dir, 'hearth.config.json'),
      JSON.stringify({
        mcpServers: {
          files: { command: 'npx', args: ['some-mcp-server'], env: { A: '1' } },
          remote: { url: 'http://127.0.0.1:3333/mcp', token: 'secret', timeoutMs: 5000 },
        },
        tools: { fsRoot: 'data', shell: { allow: ['ls'] }, http: { allowHosts: ['example.com'] } },
        agents: ['src/agents'],
        workflows: ['src/workflows/report.ts'],
      }),
    );
    const config = await loadHearthConfig(join(dir, 'hearth.config.json'));
    expect(config.tools.fsRoot).toBe(join(dir, 'data'));
    expect(config.agents).toEqual([join(dir, 'src/agents')]);
    expect(config.workflows).toEqual([join(dir, 'src/workflows/report.ts')]);
    expect(mcpServersFromConfig(config)).toEqual([
      { name: 'files', command: 'npx', args: ['some-mcp-server'], env: { A: '1' } },
      { name: 'remote', url: 'http://127.0.0.1:3333/mcp', token: 'secret', timeoutMs: 5000 },
    ]);
  });

  it.each([
    [
      { mcpServers: { files: { args: [] } } },
      /mcpServers\.files: give either "command" \(stdio\) or "url" \(HTTP\)/,
    ],
    [{ mcpServers: { 'bad name': { command: 'x' } } }, /mcpServers\.bad name/],
    [{ mcpServers: { web: { url: 'ftp://x' } } }, /mcpServers\.web/],
    [{ tools: { shell: { allow: 'ls' } } }, /tools\.shell\.allow: .*expected array/],
    [{ tools: { fsroot: '.' } }, /tools: .*fsroot/],
    [{ agents: 'src/agents' }, /agents: .*expected array/],
  ])('names the bad field: %j', (value, message) => {
    const error = (() => {
      try {
        parseHearthConfig(value, '/');
      } catch (e) {
        return e;
      }
    })();
    expect(HearthConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('reports missing files and bad JSON', async () => {
    await expect(loadHearthConfig('/nonexistent/hearth.config.json')).rejects.toThrow(
      /Cannot read config file/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'hearth-config-'));
    await writeFile(join(dir, 'hearth.config.json'), '{ nope');
    await expect(loadHearthConfig(join(dir, 'hearth.config.json'))).rejects.toThrow(/is not valid JSON/);
  });
});

describe('loadToolsFromDirectory', () => {
  it('loads .ts and .js tool modules and refuses a module without tools', async () => {
    const tools = await loadToolsFromDirectory(new URL('./test-support/tools-dir', import.meta.url).pathname);
    expect(tools.map((t) => t.name).sort()).toEqual(['exit_process', 'pid', 'slow']);

    const dir = await mkdtemp(join(tmpdir(), 'hearth-tools-'));
    const coreEntry = new URL('../../dist/index.js', import.meta.url).href;
    await writeFile(
      join(dir, 'greet.mjs'),
      `import { defineTool } from '${coreEntry}';\nimport { z } from 'zod';\nexport const tools = [defineTool({ name: 'greet', description: 'greets', input: z.object({ who: z.string() }), run: ({ who }) => 'hi ' + who })];\n`,
    );
    await writeFile(join(dir, 'greet.test.mjs'), 'throw new Error("test files are not loaded")');
    const loaded = await loadToolsFromDirectory(dir);
    expect(loaded.map((t) => t.name)).toEqual(['greet']);
    expect(
      await loaded[0]?.run(
        { who: 'Ada' },
        { signal: new AbortController().signal, reportProgress: () => {} },
      ),
    ).toBe('hi Ada');

    await writeFile(join(dir, 'empty.mjs'), 'export const notATool = 1;');
    const error = await loadToolsFromDirectory(dir).catch((e: unknown) => e);
    expect(InvalidToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/empty\.mjs exports no tools/);
  });
});
