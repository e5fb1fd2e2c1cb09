import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { researchAgent, screenTriageAgent } from '@hearth/agents';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hearthMcpStdioServer, runHearth, startHearth } from './test-support/hearth-binary.js';

// `hearth mcp serve` beyond tools, read by a real SDK client that declares no capabilities at all
// (no elicitation, no sampling): files under the fs root and run reports as resources, the served
// agents and workflows described, each agent's instructions as a prompt, and completion for both.

const secret = 'SECRET-OUTSIDE-THE-ROOT';
// A PNG signature and a NUL byte: not UTF-8 text, so it must come back as a blob.
const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10]);
let root: string;
let home: string;
const clients: Client[] = [];

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'hearth-mcp-features-'));
  root = join(base, 'root');
  home = join(base, 'home');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), secret);
  writeFileSync(join(root, 'notes.md'), '# Notes\nhello from the root\n');
  writeFileSync(join(root, 'sub', 'a.txt'), 'in a folder');
  writeFileSync(join(root, 'picture.png'), binary);
  writeFileSync(join(root, 'big.txt'), 'x'.repeat(1024 * 1024 + 1));
  symlinkSync(outside, join(root, 'link-out'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
});

const recordedRuns = new Map<string, Promise<string>>();
/**
 * A real run of sales-report on the tiny model in `workdir`, made once (inside the first test that
 * needs it): its report is what the server serves, or must not serve when `workdir` is not its root.
 */
function realRun(workdir: string): Promise<string> {
  let run = recordedRuns.get(workdir);
  if (!run) {
    mkdirSync(workdir, { recursive: true });
    run = runHearth(['run', 'sales-report', '--model', 'tiny', '--workdir', workdir, '--json'], {
      home,
    }).then((result) => {
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout).runId as string;
    });
    recordedRuns.set(workdir, run);
  }
  return run;
}

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** A client with no capabilities, connected to `hearth mcp serve` over stdio. */
async function stdioClient(): Promise<Client> {
  const client = new Client({ name: 'plain-client', version: '1' }, { capabilities: {} });
  clients.push(client);
  await client.connect(
    new StdioClientTransport({
      ...hearthMcpStdioServer(['--fs-root', root, '--no-browser'], { HEARTH_HOME: home }),
      stderr: 'ignore',
    }),
  );
  return client;
}

const textOf = (contents: readonly object[]) =>
  contents.map((item) => ('text' in item ? String(item.text) : '')).join('');

describe('hearth mcp serve (stdio): resources', () => {
  it('lists files under the root, run reports and the served agents and workflows, and reads them', async () => {
    const runId = await realRun(root);
    // A run of another folder: its report may hold what lies outside this root, so it is not served.
    const elsewhere = await realRun(join(root, '..', 'elsewhere'));
    const client = await stdioClient();
    const { resources } = await client.listResources();
    const uris = resources.map((resource) => resource.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'hearth-fs:///notes.md',
        'hearth-fs:///sub/a.txt',
        'hearth-fs:///picture.png',
        'hearth-fs:///reports/sales-report.md',
        `hearth-run://${runId}`,
        'hearth-target://sales-report',
        'hearth-target://research',
      ]),
    );
    expect(uris.filter((uri) => uri.includes(elsewhere))).toEqual([]);
    await expect(client.readResource({ uri: `hearth-run://${elsewhere}` })).rejects.toThrow(
      /no run ".*" of this fs root is recorded/,
    );
    // Symlinks are never followed while listing.
    expect(uris.filter((uri) => uri.includes('link'))).toEqual([]);

    const notes = await client.readResource({ uri: 'hearth-fs:///notes.md' });
    expect(notes.contents).toEqual([
      { uri: 'hearth-fs:///notes.md', mimeType: 'text/markdown', text: '# Notes\nhello from the root\n' },
    ]);
    const picture = await client.readResource({ uri: 'hearth-fs:///picture.png' });
    expect(picture.contents[0]).toMatchObject({ mimeType: 'image/png', blob: binary.toString('base64') });
    expect(picture.contents[0]).not.toHaveProperty('text');

    const report = JSON.parse(textOf((await client.readResource({ uri: `hearth-run://${runId}` })).contents));
    expect(report).toMatchObject({ runId, target: 'sales-report', status: 'done' });
    const workflow = JSON.parse(
      textOf((await client.readResource({ uri: 'hearth-target://sales-report' })).contents),
    );
    expect(workflow).toMatchObject({ kind: 'workflow', effects: { writes: true } });
  });

  it('refuses every way out of the root with the fs tools’ rules, and never returns what lies outside', async () => {
    const client = await stdioClient();
    const attempts = [
      'hearth-fs:///../outside/secret.txt',
      'hearth-fs:///%2e%2e/outside/secret.txt',
      'hearth-fs:///sub/%2E%2E/%2E%2E/outside/secret.txt',
      'hearth-fs:///%252e%252e/outside/secret.txt',
      'hearth-fs:////etc/passwd',
      'hearth-fs:///%2Fetc%2Fpasswd',
      'hearth-fs:///link-out/secret.txt',
      'hearth-fs:///secret-link.txt',
      'hearth-fs:///sub\\..\\..\\outside\\secret.txt',
      'hearth-fs:///notes.md%00.png',
      'hearth-fs:///~/.bashrc',
      'hearth-fs:///sub',
    ];
    for (const uri of attempts) {
      const refusal = await client.readResource({ uri }).then(
        (result) => `read: ${JSON.stringify(result)}`,
        (error: Error) => error.message,
      );
      expect(refusal, uri).toMatch(/cannot be read/);
      expect(refusal, uri).not.toContain(secret);
    }
    const big = await client
      .readResource({ uri: 'hearth-fs:///big.txt' })
      .catch((error: Error) => error.message);
    expect(big).toMatch(/1048577 bytes; the limit is 1048576/);
    const missing = await client
      .readResource({ uri: 'hearth-fs:///nope.txt' })
      .catch((error: Error) => error.message);
    expect(missing).toMatch(/no file "nope.txt" under the fs root/);
    expect(missing).not.toContain(root);
    const unknown = await client.readResource({ uri: 'other://x' }).catch((error: Error) => error.message);
    expect(unknown).toMatch(/Unknown resource "other:\/\/x".*hearth-fs:\/\/\/\{\+path\}/);
    // Bad requests harm no other: the same session still reads.
    expect((await client.readResource({ uri: 'hearth-fs:///sub/a.txt' })).contents).toHaveLength(1);
  });

  it('a subscribed file reports its changes; a way out of the root or a run report cannot be watched', async () => {
    const client = await stdioClient();
    writeFileSync(join(root, 'watched.md'), 'first');
    const changed = new Promise<string>((resolve) => {
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) =>
        resolve(notification.params.uri),
      );
    });
    await client.subscribeResource({ uri: 'hearth-fs:///watched.md' });
    writeFileSync(join(root, 'watched.md'), 'second');
    expect(await changed).toBe('hearth-fs:///watched.md');
    await client.unsubscribeResource({ uri: 'hearth-fs:///watched.md' });
    for (const uri of [
      'hearth-fs:///link-out/secret.txt',
      'hearth-fs:///../outside/secret.txt',
      'hearth-fs:///sub',
    ])
      await expect(client.subscribeResource({ uri }), uri).rejects.toThrow(/cannot be watched/);
    await expect(client.subscribeResource({ uri: 'hearth-run://x' })).rejects.toThrow(/cannot be watched/);
  });

  it('completes file paths under the root, run ids and agent names', async () => {
    const runId = await realRun(root);
    const client = await stdioClient();
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual(
      expect.arrayContaining(['hearth-fs:///{+path}', 'hearth-run://{runId}', 'hearth-target://{name}']),
    );
    const complete = async (uri: string, name: string, value: string) =>
      (await client.complete({ ref: { type: 'ref/resource', uri }, argument: { name, value } })).completion
        .values;
    expect(await complete('hearth-fs:///{+path}', 'path', 'su')).toEqual(['sub/']);
    expect(await complete('hearth-fs:///{+path}', 'path', 'sub/')).toEqual(['sub/a.txt']);
    expect(await complete('hearth-fs:///{+path}', 'path', '../')).toEqual([]);
    expect(await complete('hearth-fs:///{+path}', 'path', 'link-out/')).toEqual([]);
    expect(await complete('hearth-run://{runId}', 'runId', runId.slice(0, 4))).toContain(runId);
    expect(await complete('hearth-target://{name}', 'name', 's')).toEqual(['sales-report', 'screen-triage']);
  });
});

describe('hearth mcp serve (stdio): prompts', () => {
  it("serves each agent's instructions with its input as arguments, and refuses a missing argument", async () => {
    const client = await stdioClient();
    const { prompts } = await client.listPrompts();
    const byName = new Map(prompts.map((prompt) => [prompt.name, prompt]));
    expect([...byName.keys()].sort()).toEqual(['research', 'screen-triage']);
    expect(byName.get('research')?.arguments).toEqual([
      expect.objectContaining({ name: 'prompt', required: true }),
    ]);
    // screen-triage has a default prompt: its argument is optional.
    expect(byName.get('screen-triage')?.arguments).toEqual([
      expect.objectContaining({ name: 'prompt', required: false }),
    ]);

    const research = await client.getPrompt({ name: 'research', arguments: { prompt: 'Who makes Gemma?' } });
    expect(research.messages).toEqual([
      {
        role: 'user',
        content: { type: 'text', text: `${researchAgent.definition.instructions}\n\nWho makes Gemma?` },
      },
    ]);
    const triage = await client.getPrompt({ name: 'screen-triage' });
    expect(triage.messages).toEqual([
      {
        role: 'user',
        content: {
          type: 'text',
          text: `${screenTriageAgent.definition.instructions}\n\n${screenTriageAgent.definition.defaultPrompt}`,
        },
      },
    ]);
    await expect(client.getPrompt({ name: 'research' })).rejects.toThrow(/needs the argument prompt/);
    await expect(client.getPrompt({ name: 'nope' })).rejects.toThrow(/Unknown prompt "nope".*research/);
    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'screen-triage' },
      argument: { name: 'prompt', value: 'Tri' },
    });
    expect(completion.completion.values).toEqual([screenTriageAgent.definition.defaultPrompt]);
  });
});

describe("hearth mcp serve (stdio): a user's project", () => {
  it('its agents, from hearth.config.json and from agent.asTool() in a tools folder, are prompts and resources', async () => {
    const project = mkdtempSync(join(tmpdir(), 'hearth-mcp-features-project-'));
    mkdirSync(join(project, 'src'));
    mkdirSync(join(project, 'tools'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'mine', type: 'module' }));
    writeFileSync(
      join(project, 'src', 'helper.ts'),
      `import { defineAgent } from '@hearth/core';
export const helper = defineAgent({ name: 'helper', description: 'Answers briefly', instructions: 'Answer in one word.', model: 'tiny' });
`,
    );
    writeFileSync(
      join(project, 'tools', 'summarizer.ts'),
      `import { defineAgent } from '@hearth/core';
export const summarize = defineAgent({ name: 'summarizer', description: 'Summarizes text', instructions: 'Summarize.', model: 'tiny' }).asTool();
`,
    );
    writeFileSync(
      join(project, 'hearth.config.json'),
      JSON.stringify({ tools: { dirs: ['tools'] }, agents: ['src/helper.ts'] }),
    );
    const client = new Client({ name: 'plain-client', version: '1' }, { capabilities: {} });
    clients.push(client);
    await client.connect(
      new StdioClientTransport({
        ...hearthMcpStdioServer(['--no-browser'], { HEARTH_HOME: home }),
        cwd: project,
        stderr: 'ignore',
      }),
    );
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual(['helper', 'summarizer']);
    const prompt = await client.getPrompt({ name: 'summarizer', arguments: { prompt: 'this text' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Summarize.\n\nthis text' });
    const helper = JSON.parse(
      textOf((await client.readResource({ uri: 'hearth-target://helper' })).contents),
    );
    expect(helper).toMatchObject({ kind: 'agent', instructions: 'Answer in one word.' });
  });
});

describe('hearth mcp serve --http: the same resources and prompts', () => {
  it('reads a file, a run report and a prompt over Streamable HTTP', async () => {
    const runId = await realRun(root);
    const server = startHearth(['mcp', 'serve', '--http', '--port', '0', '--fs-root', root, '--no-browser'], {
      home,
    });
    const [, url] = await server.stderrMatch(/serving \d+ tools at (\S+)/);
    const client = new Client({ name: 'plain-http-client', version: '1' }, { capabilities: {} });
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(url as string)));
    expect(textOf((await client.readResource({ uri: 'hearth-fs:///sub/a.txt' })).contents)).toBe(
      'in a folder',
    );
    expect(
      JSON.parse(textOf((await client.readResource({ uri: `hearth-run://${runId}` })).contents)),
    ).toMatchObject({
      runId,
    });
    await expect(client.readResource({ uri: 'hearth-fs:///link-out/secret.txt' })).rejects.toThrow(/symlink/);
    const prompt = await client.getPrompt({ name: 'research', arguments: { prompt: 'hi' } });
    expect(prompt.messages).toHaveLength(1);
  });
});
