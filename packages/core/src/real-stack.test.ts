import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContentPart, Message, RunEvent } from '@hearth/engine';
import { startTinyEngine } from '@hearth/model/testing';
import { makeMediaFixtures } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent } from './agent/define-agent.js';
import { type Attachment, attachmentFromFile } from './media.js';
import { definePlanner } from './planner/define-planner.js';
import { RecordingEngine } from './testing/recording-engine.js';
import { callTool } from './tool-runner.js';
import { ToolRegistry } from './tools/tool-registry.js';
import type { ToolDefinition } from './tools/tool-types.js';

// The real stack: llama.cpp (llama.node, in the crash-isolated host) on the testkit's tiny Gemma 4
// with random weights and its unified mmproj. Answers are gibberish, so these tests check structure
// and the path taken; the scripted-model tests check meaning.
let engine: RecordingEngine;
let screenshot: Attachment;
let speech: Attachment;
let pattern: Attachment;

beforeAll(async () => {
  engine = new RecordingEngine(await startTinyEngine());
  const fixtures = await makeMediaFixtures();
  screenshot = await attachmentFromFile(fixtures.screenshotPng, 'image');
  speech = await attachmentFromFile(fixtures.speechWav, 'audio');
  pattern = await attachmentFromFile(fixtures.patternPng, 'image');
});
afterAll(async () => {
  await engine?.close();
});

const mediaOf = (message: Message | undefined): ContentPart[] =>
  message && (message.role === 'user' || message.role === 'tool') && Array.isArray(message.content)
    ? message.content.filter((part) => part.type !== 'text')
    : [];

/** The tool's screenshot as it must reach the engine: the same bytes, as a Uint8Array, with its MIME type. */
const isPatternImage = (part: ContentPart) =>
  part.type === 'image' &&
  part.image instanceof Uint8Array &&
  Buffer.compare(part.image, pattern.bytes) === 0 &&
  part.mimeType === 'image/png';

function pageTool(calls: unknown[]): ToolDefinition {
  return {
    name: 'look',
    description: 'Screenshots a page',
    input: z.object({ url: z.string() }),
    run: (args) => {
      calls.push(args);
      return {
        content: [
          { type: 'text', text: 'page shown' },
          { type: 'image', bytes: pattern.bytes, mimeType: 'image/png' },
        ],
      };
    },
  };
}

describe('tool media on the tiny model', () => {
  it("a tool's screenshot reaches the engine as the tool's bytes and MIME type, and the engine reads it", async () => {
    const registry = new ToolRegistry([pageTool([])]);
    const outcome = await callTool(registry, 'look', { url: '/login' });
    expect(outcome.media).toEqual([
      { kind: 'image', mimeType: 'image/png', bytes: pattern.bytes, name: 'look' },
    ]);
    const before = engine.requests.length;
    const result = await engine.generate({
      messages: [
        { role: 'user', content: 'Look at /login.' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'look', args: { url: '/login' } }],
        },
        { role: 'tool', toolCallId: 'call_1', name: 'look', content: outcome.content },
      ],
      maxTokens: 4,
      sampling: { greedy: true },
    });
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    const toolMessage = engine.requests[before]?.messages[2];
    expect(mediaOf(toolMessage).filter(isPatternImage)).toHaveLength(1);
  });
});

describe('agents on the tiny model', () => {
  for (const mode of ['constrained', 'native'] as const) {
    it(`${mode}: finishes within its step budget, and every tool call it made was well-formed`, async () => {
      const calls: unknown[] = [];
      const agent = defineAgent({
        name: `real-${mode}`,
        instructions: 'Inspect pages.',
        tools: [pageTool(calls)],
        mode,
        maxSteps: 3,
      });
      const events: RunEvent[] = [];
      const before = engine.requests.length;
      const result = await agent.run(
        { prompt: 'Look at /login and describe it.', attachments: [screenshot] },
        { engine, checkpointer: 'memory', onEvent: (e) => events.push(e) },
      );
      expect(result.status).toBe('done');
      const output = result.output;
      expect(output?.steps).toBeGreaterThanOrEqual(1);
      expect(output?.steps).toBeLessThanOrEqual(4);
      expect(['final', 'max-steps']).toContain(output?.stopReason);
      if (output?.stopReason === 'final') expect(typeof output.answer).toBe('string');
      // Each model turn is one engine request; the screenshot went in as an image part every time.
      const requests = engine.requests.slice(before);
      expect(requests).toHaveLength(output?.steps ?? -1);
      for (const request of requests)
        expect(mediaOf(request.messages[1]).map((p) => p.type)).toEqual(['image']);
      if (mode === 'constrained') {
        // Constrained: no call can be malformed, so every call reached the tool with valid arguments.
        expect(output?.toolCalls.every((c) => c.tool === 'look' && !c.isError)).toBe(true);
        expect(calls).toHaveLength(output?.toolCalls.length ?? -1);
        // Each turn's JSON streams as it decodes: many token events per turn, not one at its end.
        const tokens = events.filter((e) => e.type === 'token');
        expect(tokens.length).toBeGreaterThanOrEqual(5 * (output?.steps ?? 1));
      }
      expect(events.filter((e) => e.type === 'tool-call')).toHaveLength(output?.toolCalls.length ?? -1);
    });
  }
});

describe('planner on the tiny model', () => {
  it('plans under the schema, runs steps, and sends the screenshot and voice note as media to every call', async () => {
    const calls: unknown[] = [];
    const planner = definePlanner({
      name: 'real-planner',
      tools: [pageTool(calls)],
      maxReplans: 1,
      stepMaxSteps: 2,
    });
    const before = engine.requests.length;
    const events: RunEvent[] = [];
    const result = await planner.run(
      { goal: 'Find out why the login button does nothing.', attachments: [screenshot, speech] },
      {
        engine,
        checkpointer: join(mkdtempSync(join(tmpdir(), 'hearth-real-')), 'c.sqlite'),
        onEvent: (e) => events.push(e),
      },
    );
    expect(result.status).toBe('done');
    const output = result.output;
    if (!output) throw new Error('no output');
    expect(output.plan.steps.length).toBeGreaterThanOrEqual(1);
    for (const step of output.plan.steps) expect(step.id).toMatch(/^s\d+$/);
    expect(output.steps.length).toBeGreaterThanOrEqual(1);
    expect(output.replans).toBeLessThanOrEqual(1);
    expect(output.answer.length).toBeGreaterThan(0);
    const known = output.steps.map((s) => s.id);
    for (const id of output.citedSteps) expect(known).toContain(id);
    expect(events.filter((e) => e.type === 'plan').length).toBe(1 + output.replans);
    // The plan and the answer are decoded under schemas, and stream token by token as well.
    const plannerTokens = events.filter((e) => e.type === 'token' && e.source === 'real-planner');
    expect(plannerTokens.length).toBeGreaterThanOrEqual(10);

    const requests = engine.requests.slice(before);
    expect(requests[0]?.responseFormat?.name).toBe('plan');
    expect(requests.at(-1)?.responseFormat?.name).toBe('answer');
    for (const request of requests) {
      const first = request.messages.find((m) => m.role === 'user');
      const media = mediaOf(first);
      expect(media.slice(0, 2)).toEqual([
        { type: 'image', image: screenshot.bytes, mimeType: 'image/png' },
        { type: 'audio', audio: speech.bytes, mimeType: 'audio/wav' },
      ]);
      // Never described as text: no message's text carries the media.
      const texts = request.messages.flatMap((m) =>
        typeof m.content === 'string'
          ? [m.content]
          : m.content.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text),
      );
      expect(texts.join('\n')).not.toContain(
        Buffer.from(screenshot.bytes.subarray(0, 48)).toString('base64'),
      );
    }
    // Screenshots the tool returned reached later model calls as images.
    if (calls.length > 0) {
      const sawToolImage = requests.some((r) => r.messages.some((m) => mediaOf(m).some(isPatternImage)));
      expect(sawToolImage).toBe(true);
    }
  });
});
