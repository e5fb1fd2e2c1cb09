import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { hearthMcpStdioServer, startHearth } from './test-support/hearth-binary.js';

// `hearth mcp serve` attacked by real MCP clients (the SDK's Client, over stdio and Streamable HTTP):
// a call from a client is not consent, so fs_write, the shell and workflows that write are asked
// about through elicitation, or refused with the flag that allows them.

const token = 'approvals-cli-token-0123456789';

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

const accept: ElicitResult = { action: 'accept', content: { approve: true } };

/** A real MCP client; with `answer` it declares elicitation and answers every question with it. */
function newClient(answer?: () => ElicitResult) {
  const questions: string[] = [];
  const client = new Client(
    { name: 'outside-client', version: '1' },
    { capabilities: answer ? { elicitation: { form: {} } } : {} },
  );
  if (answer)
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return answer();
    });
  clients.push(client);
  return { client, questions };
}

/** `hearth mcp serve` over stdio, rooted in a fresh directory. */
async function serveStdio(flags: string[], answer?: () => ElicitResult) {
  const root = mkdtempSync(join(tmpdir(), 'hearth-mcp-approvals-'));
  const { client, questions } = newClient(answer);
  await client.connect(
    new StdioClientTransport({
      ...hearthMcpStdioServer(['--fs-root', root, '--no-browser', ...flags]),
      stderr: 'ignore',
    }),
  );
  return { client, questions, root };
}

const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { text?: string }[]).map((item) => item.text ?? '').join('\n');

describe('hearth mcp serve (stdio): approval is asked, never assumed', () => {
  it('a client without elicitation: fs_write, shell and sales-report are refused naming --approve-all, and nothing is written', async () => {
    const { client, root } = await serveStdio(['--model', 'tiny', '--shell-allow', 'touch']);
    const write = await client.callTool({ name: 'fs_write', arguments: { path: 'a.txt', content: 'x' } });
    expect(write.isError).toBe(true);
    expect(text(write)).toContain('hearth mcp serve --approve-all');
    const shell = await client.callTool({ name: 'shell', arguments: { command: 'touch', args: ['b.txt'] } });
    expect(shell.isError).toBe(true);
    expect(text(shell)).toMatch(/^refused shell/);
    const report = await client.callTool({ name: 'sales-report', arguments: {} });
    expect(report.isError).toBe(true);
    expect(text(report)).toMatch(/^refused sales-report/);
    for (const path of ['a.txt', 'b.txt', 'reports']) expect(existsSync(join(root, path))).toBe(false);
    // Reading is not refused.
    expect((await client.callTool({ name: 'fs_list', arguments: {} })).isError).not.toBe(true);
  });

  it('annotations are truthful: what writes or runs is not read-only, whatever its nodes say', async () => {
    const { client } = await serveStdio(['--shell-allow', 'touch']);
    const { tools } = await client.listTools();
    const annotations = new Map(tools.map((tool) => [tool.name, tool.annotations]));
    // sales-report and bug-report write their report with `approval: false` nodes: still not read-only.
    for (const name of ['fs_write', 'shell', 'sales-report', 'bug-report'])
      expect(annotations.get(name), name).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    for (const name of ['fs_read', 'fs_list', 'calculator'])
      expect(annotations.get(name), name).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(annotations.get('bug-report')).toMatchObject({ openWorldHint: true });
  });

  it('with elicitation: an accepted fs_write writes once; a declined one writes nothing', async () => {
    let answer: ElicitResult = accept;
    const { client, questions, root } = await serveStdio(['--no-agents'], () => answer);
    const written = await client.callTool({
      name: 'fs_write',
      arguments: { path: 'yes.txt', content: 'ok' },
    });
    expect(written.isError, text(written)).not.toBe(true);
    expect(readFileSync(join(root, 'yes.txt'), 'utf8')).toBe('ok');
    expect(questions).toEqual([expect.stringContaining('fs_write({"path":"yes.txt","content":"ok"})')]);
    answer = { action: 'decline' };
    const declined = await client.callTool({ name: 'fs_write', arguments: { path: 'no.txt', content: 'x' } });
    expect(declined.isError).toBe(true);
    expect(existsSync(join(root, 'no.txt'))).toBe(false);
    expect(questions).toHaveLength(2);
  });

  it('with elicitation: sales-report is asked about once, then runs and writes its report', async () => {
    const { client, questions, root } = await serveStdio(['--model', 'tiny'], () => accept);
    const result = await client.callTool({ name: 'sales-report', arguments: {} });
    expect(result.isError, text(result)).not.toBe(true);
    expect(questions).toEqual([expect.stringMatching(/sales-report\(\{\}\).*writes files/)]);
    expect(existsSync(join(root, 'reports/sales-report.md'))).toBe(true);
  });

  it('--approve-all lets fs_write through unasked', async () => {
    const { client, root } = await serveStdio(['--no-agents', '--approve-all']);
    const result = await client.callTool({ name: 'fs_write', arguments: { path: 'all.txt', content: 'x' } });
    expect(result.isError, text(result)).not.toBe(true);
    expect(existsSync(join(root, 'all.txt'))).toBe(true);
  });
});

describe('hearth mcp serve --http: the same gate for every session', () => {
  it('refuses a client that cannot be asked and asks one that can', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hearth-mcp-approvals-http-'));
    const server = startHearth([
      'mcp',
      'serve',
      '--http',
      '--port',
      '0',
      '--token',
      token,
      '--no-agents',
      '--no-browser',
      '--fs-root',
      root,
    ]);
    const url = (await server.stderrMatch(/at (http:\/\/\S+)/))[1] as string;
    const connect = async (answer?: () => ElicitResult) => {
      const session = newClient(answer);
      await session.client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      return session;
    };
    const unasked = await connect();
    const refused = await unasked.client.callTool({
      name: 'fs_write',
      arguments: { path: 'h.txt', content: 'x' },
    });
    expect(text(refused)).toContain('--approve-all');
    expect(existsSync(join(root, 'h.txt'))).toBe(false);

    const asked = await connect(() => accept);
    const written = await asked.client.callTool({
      name: 'fs_write',
      arguments: { path: 'h.txt', content: 'y' },
    });
    expect(written.isError, text(written)).not.toBe(true);
    expect(readFileSync(join(root, 'h.txt'), 'utf8')).toBe('y');
    expect(asked.questions).toHaveLength(1);
  });
});
