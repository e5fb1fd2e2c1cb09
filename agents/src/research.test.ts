import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolRegistry } from '@hearth/core';
import { ScriptedEngine, type ScriptedReply } from '@hearth/core/testing';
import { startTinyEngine } from '@hearth/model/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { researchAgent, researchTools } from './research.js';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      '<html><head><title>Hearth facts</title></head><body><h1>Hearth</h1><p>Hearth runs Gemma 4 locally.</p></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/facts`;
  // A loopback page is reachable only when the allow-list names it.
  vi.stubEnv('HEARTH_HTTP_ALLOW_HOSTS', new URL(url).host);
});
afterAll(() => {
  vi.unstubAllEnvs();
  server?.close();
});

describe('research agent', () => {
  it('scripted model: reads a page with the browser (text + screenshot), saves a note after approval, cites the source', async () => {
    const engine = new ScriptedEngine((request): ScriptedReply => {
      const seen = JSON.stringify(request.messages);
      if (!seen.includes('Result of browser_text'))
        return { json: { action: 'call_tool', tool: 'browser_text', args: { url } } };
      if (!seen.includes('Result of browser_screenshot'))
        return { json: { action: 'call_tool', tool: 'browser_screenshot', args: { url } } };
      if (!seen.includes('Result of fs_write'))
        return {
          json: {
            action: 'call_tool',
            tool: 'fs_write',
            args: { path: 'notes/hearth.md', content: 'Hearth runs Gemma 4 locally.' },
          },
        };
      return {
        json: { action: 'final_answer', answer: { answer: 'Hearth runs Gemma 4 locally.', sources: [url] } },
      };
    });
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-research-'));
    const store = join(workdir, 'checkpoints.sqlite');
    const paused = await researchAgent.run(
      { prompt: 'What does Hearth run?' },
      { engine, workdir, checkpointer: store },
    );
    expect(paused.status).toBe('paused');
    expect(paused.pendingApprovals[0]?.calls[0]?.tool).toBe('fs_write');
    expect(existsSync(join(workdir, 'notes/hearth.md'))).toBe(false);
    const done = await researchAgent.resume(
      paused.threadId,
      { approve: true },
      { engine, workdir, checkpointer: store },
    );
    expect(done.output?.answer).toEqual({ answer: 'Hearth runs Gemma 4 locally.', sources: [url] });
    expect(readFileSync(join(workdir, 'notes/hearth.md'), 'utf8')).toBe('Hearth runs Gemma 4 locally.');
    const browser = done.output?.toolCalls.find((call) => call.tool === 'browser_text');
    expect(browser?.result).toContain('Hearth runs Gemma 4 locally.');
    // The page's screenshot came back to the model as an image.
    expect(done.output?.observations.map((o) => o.kind)).toContain('image');
    const afterBrowser = engine.requests.find((r) =>
      JSON.stringify(r.messages).includes('Result of browser_screenshot'),
    );
    const last = afterBrowser?.messages.at(-1);
    expect(Array.isArray(last?.content) && last.content.some((part) => part.type === 'image')).toBe(true);
  });

  it('without HEARTH_HTTP_ALLOW_HOSTS: no http_fetch, and the browser refuses a loopback page', async () => {
    vi.stubEnv('HEARTH_HTTP_ALLOW_HOSTS', '');
    try {
      const registry = new ToolRegistry(
        researchTools({ workdir: mkdtempSync(join(tmpdir(), 'hearth-research-')) }),
      );
      expect(registry.list().map((tool) => tool.name)).not.toContain('http_fetch');
      const refused = await registry.call('browser_text', { url });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/is a loopback address: refused/);
    } finally {
      vi.stubEnv('HEARTH_HTTP_ALLOW_HOSTS', new URL(url).host);
    }
  });

  describe('tiny Gemma 4 (real stack)', () => {
    let engine: Awaited<ReturnType<typeof startTinyEngine>>;
    beforeAll(async () => {
      engine = await startTinyEngine();
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('stays within its step budget, uses only its tools, and any file write waits for a human', async () => {
      const workdir = mkdtempSync(join(tmpdir(), 'hearth-research-real-'));
      const store = join(workdir, 'checkpoints.sqlite');
      let result = await researchAgent.run(
        { prompt: `Summarise ${url}` },
        { engine, workdir, checkpointer: store },
      );
      for (let decisions = 0; result.status === 'paused' && decisions < 6; decisions++) {
        for (const request of result.pendingApprovals)
          for (const call of request.calls) expect(call.tool).toBe('fs_write');
        result = await researchAgent.resume(
          result.threadId,
          { approve: false },
          { engine, workdir, checkpointer: store },
        );
      }
      expect(result.status).toBe('done');
      const output = result.output;
      expect(output?.steps).toBeLessThanOrEqual(7);
      for (const call of output?.toolCalls ?? []) {
        expect(call.tool).toMatch(
          /^(browser_text|browser_screenshot|http_fetch|fs_read|fs_write|fs_list|fs_search)$/,
        );
      }
    });
  });
});
