import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Attachment, attachmentFromFile, type RunEvent } from '@hearth/core';
import { RecordingEngine, ScriptedEngine, type ScriptedReply } from '@hearth/core/testing';
import type { ContentPart, GenerateRequest } from '@hearth/engine';
import { startTinyEngine } from '@hearth/model/testing';
import { makeMediaFixtures } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bugReportWorkflow } from './bug-report.js';

let screenshot: Attachment;
let speech: Attachment;
beforeAll(async () => {
  const fixtures = await makeMediaFixtures();
  screenshot = await attachmentFromFile(fixtures.screenshotPng, 'image');
  speech = await attachmentFromFile(fixtures.speechWav, 'audio');
});

const media = (request: GenerateRequest | undefined): ContentPart[] =>
  (request?.messages ?? []).flatMap((m) =>
    m.role === 'user' && Array.isArray(m.content) ? m.content.filter((p) => p.type !== 'text') : [],
  );

describe('bug-report workflow, scripted model', () => {
  it('plans, inspects the page with the browser, shows the analyst both screenshots, and writes the report', async () => {
    const engine = new ScriptedEngine((request): ScriptedReply => {
      if (request.responseFormat?.name === 'triage')
        return {
          json: {
            title: 'Login button does nothing',
            summary: 'Clicking Log in has no effect.',
            checks: ['Open the sign-in page', 'Read the error banner'],
          },
        };
      return {
        json: {
          action: 'final_answer',
          answer: {
            likelyCause: 'the submit handler throws',
            findings: [{ severity: 'high', finding: 'Log in does nothing' }],
          },
        },
      };
    });
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-bug-'));
    const events: RunEvent[] = [];
    const result = await bugReportWorkflow.run(
      { attachments: [screenshot, speech] },
      { engine, workdir, checkpointer: 'memory', onEvent: (e) => events.push(e) },
    );
    expect(result.status).toBe('done');
    const topLevel = result.steps.filter((s) => s.path.length === 0).map((s) => s.node);
    expect(topLevel[0]).toBe('plan');
    expect(topLevel.slice(1, 3).sort()).toEqual(['inspectScreenshot', 'inspectText']); // in parallel
    expect(topLevel.slice(3)).toEqual(['analyze', 'write']);
    const output = result.output;
    expect(output?.written).toBe(true);
    expect(output?.reportPath).toMatch(/^reports\/bug-report-.*-login-button-does-nothing\.md$/);
    const report = readFileSync(join(workdir, output?.reportPath as string), 'utf8');
    expect(report).toContain('# Login button does nothing');
    expect(report).toContain('1. Open the sign-in page');
    expect(report).toContain('Something went wrong. Please try again later.'); // read from the page by the browser tool
    expect(report).toContain('- **high**: Log in does nothing');
    expect(report).toContain('Likely cause: the submit handler throws');
    expect(events.find((e) => e.type === 'plan')).toMatchObject({
      plan: { steps: [{ id: 'c1' }, { id: 'c2' }] },
    });
    const toolResults = events
      .filter((e) => e.type === 'tool-result')
      .map((e) => e.type === 'tool-result' && [e.tool, e.isError, e.media]);
    expect(toolResults.slice(0, 2).sort()).toEqual([
      ['browser_screenshot', false, 1],
      ['browser_text', false, 0],
    ]);
    expect(toolResults.slice(2)).toEqual([['fs_write', false, 0]]);
    // The plan call heard the note and saw the screenshot; the analyst also saw the fresh page screenshot.
    expect(media(engine.requests[0]).map((p) => p.type)).toEqual(['image', 'audio']);
    expect(media(engine.requests[1]).map((p) => p.type)).toEqual(['image', 'audio', 'image']);
    expect(media(engine.requests[1])[2]).not.toEqual(media(engine.requests[1])[0]);
  });
});

describe('bug-report workflow: the url input cannot reach internal services', () => {
  it('refuses a loopback url: both inspections report the refusal and the service sees no request', async () => {
    const hits: string[] = [];
    const internal = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.end('<title>Internal admin</title><body>internal secret</body>');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/admin`;
    try {
      const engine = new ScriptedEngine((request): ScriptedReply => {
        if (request.responseFormat?.name === 'triage')
          return { json: { title: 'Admin page', summary: 'Look at it.', checks: ['Open the page'] } };
        return { json: { action: 'final_answer', answer: { likelyCause: 'none', findings: [] } } };
      });
      const workdir = mkdtempSync(join(tmpdir(), 'hearth-bug-ssrf-'));
      const result = await bugReportWorkflow.run(
        { attachments: [screenshot], url },
        { engine, workdir, checkpointer: 'memory' },
      );
      expect(result.status).toBe('done');
      const problems = result.output?.page.problems ?? [];
      expect(problems).toHaveLength(2);
      for (const problem of problems) expect(problem).toMatch(/is a loopback address: refused/);
      expect(result.output?.page.text).toBe('');
      expect(hits).toEqual([]);
    } finally {
      internal.closeAllConnections();
      internal.close();
    }
  });
});

describe('bug-report workflow, tiny Gemma 4 (real stack)', () => {
  let engine: RecordingEngine;
  beforeAll(async () => {
    engine = new RecordingEngine(await startTinyEngine());
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('completes on random weights: structured plan, real inspection, report file on disk', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'hearth-bug-real-'));
    const result = await bugReportWorkflow.run(
      { attachments: [screenshot, speech] },
      { engine, workdir, checkpointer: join(workdir, 'checkpoints.sqlite') },
    );
    expect(result.status).toBe('done');
    const output = result.output;
    if (!output) throw new Error('no output');
    expect(output.plan.steps.length).toBeGreaterThanOrEqual(1);
    expect(output.plan.steps.length).toBeLessThanOrEqual(4);
    expect(output.page).toMatchObject({ screenshot: true, problems: [] });
    expect(output.written).toBe(true);
    const path = join(workdir, output.reportPath as string);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toContain('Something went wrong. Please try again later.');
    expect(media(engine.requests[0]).map((p) => p.type)).toEqual(['image', 'audio']);
  });
});
