import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineTool, defineWorkflow, END, START, ToolRegistry } from '@hearth/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type ElicitRequest,
  ElicitRequestSchema,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type HttpMcpServer, type HttpServeOptions, serveHttp } from './http-server.js';

// Approvals over MCP, attacked as clients would: real SDK clients over Streamable HTTP against our
// server. A call from a client is not consent: what writes is asked about (elicitation) or refused.

const token = 'approvals-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'hearth-mcp-approvals-'));

const writeNote = defineTool({
  name: 'write_note',
  description: 'Writes a note file',
  input: z.object({ name: z.string().regex(/^[a-z0-9-]+$/), text: z.string() }),
  effects: { writes: true },
  run: ({ name, text }) => {
    writeFileSync(join(dir, `${name}.txt`), text);
    return `wrote ${name}`;
  },
});
const readNote = defineTool({
  name: 'read_note',
  description: 'Reads a note file',
  input: z.object({ name: z.string().regex(/^[a-z0-9-]+$/) }),
  effects: { readsFiles: true },
  run: ({ name }) =>
    existsSync(join(dir, `${name}.txt`)) ? readFileSync(join(dir, `${name}.txt`), 'utf8') : '',
});
/** A workflow whose only write pauses for approval mid-run: the pause must go to the calling client. */
const noteWorkflow = defineWorkflow({
  name: 'note-workflow',
  description: 'writes one note',
  tools: [writeNote],
  state: z.object({ name: z.string(), result: z.string().default('') }),
  nodes: {
    write: {
      tool: 'write_note',
      args: (state) => ({ name: state.name, text: 'from the workflow' }),
      output: (outcome) => ({ result: outcome.text }),
    },
  },
  edges: [
    { from: START, to: 'write' },
    { from: 'write', to: END },
  ],
});

const servers: HttpMcpServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: HttpServeOptions = {}): Promise<HttpMcpServer> {
  const registry = new ToolRegistry([writeNote, readNote, noteWorkflow.asTool({ checkpointer: 'memory' })]);
  const server = await serveHttp(registry, { token, ...options });
  servers.push(server);
  return server;
}

/**
 * A real MCP client; with `answer` it declares elicitation and answers every question with it
 * (recording the questions), without it it declares nothing.
 */
async function connect(
  server: HttpMcpServer,
  answer?: (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>,
) {
  const questions: string[] = [];
  const client = new Client(
    { name: 'attacker', version: '1' },
    { capabilities: answer ? { elicitation: { form: {} } } : {} },
  );
  if (answer)
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return answer(request);
    });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  clients.push(client);
  return { client, questions };
}

const accept: ElicitResult = { action: 'accept', content: { approve: true } };
const text = (result: Awaited<ReturnType<Client['callTool']>>) =>
  (result.content as { type: string; text?: string }[]).map((item) => item.text ?? '').join('\n');
const note = (name: string) => join(dir, `${name}.txt`);

describe('approvals over MCP (Streamable HTTP)', () => {
  it('refuses a write from a client that cannot be asked, naming --approve-all; reads still run', async () => {
    const { client } = await connect(await start());
    const refused = await client.callTool({ name: 'write_note', arguments: { name: 'unasked', text: 'x' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(
      /needs approval.*did not declare the elicitation capability.*--approve-all/s,
    );
    expect(existsSync(note('unasked'))).toBe(false);
    // The workflow that writes is refused the same way, before it starts.
    const workflow = await client.callTool({ name: 'note-workflow', arguments: { name: 'unasked-wf' } });
    expect(workflow.isError).toBe(true);
    expect(existsSync(note('unasked-wf'))).toBe(false);
    const read = await client.callTool({ name: 'read_note', arguments: { name: 'unasked' } });
    expect(read.isError).not.toBe(true);
  });

  it('asks with the exact arguments and writes once on an explicit accept', async () => {
    const { client, questions } = await connect(await start(), () => accept);
    const result = await client.callTool({
      name: 'write_note',
      arguments: { name: 'accepted', text: 'yes' },
    });
    expect(result.isError, text(result)).not.toBe(true);
    expect(readFileSync(note('accepted'), 'utf8')).toBe('yes');
    expect(questions).toHaveLength(1);
    expect(questions[0]).toContain('write_note({"name":"accepted","text":"yes"})');
  });

  it('consent cannot be smuggled in the call: approve flags in arguments or _meta are not an answer', async () => {
    const { client } = await connect(await start());
    const result = await client.callTool({
      name: 'write_note',
      arguments: { name: 'smuggled', text: 'x', approve: true, approved: true },
      _meta: { approve: true, approved: true, progressToken: 1 },
    });
    expect(result.isError).toBe(true);
    expect(existsSync(note('smuggled'))).toBe(false);
  });

  it('a long argument is not approved unseen: the question says how much of it is not shown', async () => {
    const hidden = `${'a'.repeat(600)}TAIL`;
    const { client, questions } = await connect(await start(), () => ({ action: 'decline' }));
    await client.callTool({ name: 'write_note', arguments: { name: 'long', text: hidden } });
    expect(questions[0]).toMatch(/\.\.\. \[\d+ more characters not shown\]/);
    expect(existsSync(note('long'))).toBe(false);
  });

  it('declines, cancels, an accept without approve: true, and a timeout are all refusals', async () => {
    const answers: ElicitResult[] = [
      { action: 'decline' },
      { action: 'cancel' },
      { action: 'accept', content: { approve: false } },
    ];
    for (const [index, answer] of answers.entries()) {
      const { client } = await connect(await start(), () => answer);
      const result = await client.callTool({
        name: 'write_note',
        arguments: { name: `no-${index}`, text: 'x' },
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^refused write_note/);
      expect(existsSync(note(`no-${index}`))).toBe(false);
    }
    // A client that never answers: the question times out and nothing is written.
    const { client } = await connect(await start({ approvalTimeoutMs: 300 }), () => new Promise(() => {}));
    const result = await client.callTool({ name: 'write_note', arguments: { name: 'timeout', text: 'x' } });
    expect(text(result)).toMatch(/did not answer within/);
    expect(existsSync(note('timeout'))).toBe(false);
  });

  it('an approval covers only the call it answered: the next call, with other arguments, is asked again', async () => {
    let approve = true;
    const { client, questions } = await connect(await start(), () =>
      approve ? accept : { action: 'decline' },
    );
    await client.callTool({ name: 'write_note', arguments: { name: 'first', text: 'ok' } });
    approve = false;
    const second = await client.callTool({
      name: 'write_note',
      arguments: { name: 'second', text: 'sneaky' },
    });
    expect(second.isError).toBe(true);
    expect(existsSync(note('first'))).toBe(true);
    expect(existsSync(note('second'))).toBe(false);
    expect(questions).toHaveLength(2);
    expect(questions[1]).toContain('"name":"second"');
    // Calling the same arguments again is not pre-approved either.
    await client.callTool({ name: 'write_note', arguments: { name: 'first', text: 'ok' } });
    expect(questions).toHaveLength(3);
  });

  it("a served workflow's pause mid-run is asked of the calling session only, never another", async () => {
    const server = await start();
    let asks = 0;
    const owner = await connect(server, () => (++asks === 1 ? accept : { action: 'decline' }));
    const bystander = await connect(server, () => accept);
    const result = await owner.client.callTool({ name: 'note-workflow', arguments: { name: 'paused' } });
    // First question: may the workflow run at all; second: the write it paused for (declined).
    expect(owner.questions).toHaveLength(2);
    expect(owner.questions[1]).toContain('write_note({"name":"paused","text":"from the workflow"})');
    expect(bystander.questions).toEqual([]);
    expect(existsSync(note('paused'))).toBe(false);
    expect(JSON.stringify(result.structuredContent ?? result.content)).toContain('denied write_note');
    // Nothing is left paused for anyone to resume: the owner's call ran the run to its end.
    expect(text(result)).not.toMatch(/--resume/);
  });

  it('annotations come from effects: what writes is not read-only; a read-only tool cannot write', async () => {
    const { client } = await connect(await start());
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool.annotations]));
    expect(byName.get('write_note')).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('note-workflow')).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('read_note')).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    // Every tool advertised read-only runs unasked, so each must be unable to write: the directory
    // is unchanged after calling them with a client that cannot be asked.
    const before = JSON.stringify(readdirNames());
    for (const tool of tools.filter((tool) => tool.annotations?.readOnlyHint))
      await client.callTool({ name: tool.name, arguments: { name: 'read-only-probe', text: 'x' } });
    expect(JSON.stringify(readdirNames())).toBe(before);
  });

  it('approvals: approve-all runs writes unasked (the dangerous opt-in)', async () => {
    const { client } = await connect(await start({ approvals: 'approve-all' }));
    const result = await client.callTool({
      name: 'write_note',
      arguments: { name: 'approve-all', text: 'x' },
    });
    expect(result.isError, text(result)).not.toBe(true);
    expect(existsSync(note('approve-all'))).toBe(true);
  });
});

function readdirNames(): string[] {
  return readdirSync(dir).sort();
}
