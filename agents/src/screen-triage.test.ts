import { type Attachment, attachmentFromFile } from '@hearth/core';
import { ScriptedEngine } from '@hearth/core/testing';
import type { ContentPart } from '@hearth/engine';
import { startTinyEngine } from '@hearth/model/testing';
import { makeMediaFixtures } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenTriageAgent, triageFindingsSchema } from './screen-triage.js';

let screenshot: Attachment;
let speech: Attachment;
beforeAll(async () => {
  const fixtures = await makeMediaFixtures();
  screenshot = await attachmentFromFile(fixtures.screenshotPng, 'image');
  speech = await attachmentFromFile(fixtures.speechWav, 'audio');
});

const userMedia = (engine: {
  requests: Array<{ messages: Array<{ role: string; content: unknown }> }>;
}): ContentPart[] => {
  const user = engine.requests[0]?.messages.find((m) => m.role === 'user');
  return Array.isArray(user?.content) ? (user.content as ContentPart[]) : [];
};

describe('screen-triage agent', () => {
  it('scripted model: sees the screenshot and hears the note as media, returns schema-checked findings', async () => {
    const findings = {
      summary: 'Sign-in page shows an error banner; the user says the button does nothing.',
      findings: [{ severity: 'high', area: 'login form', finding: 'Log in has no effect' }],
    };
    const engine = new ScriptedEngine([{ json: { action: 'final_answer', answer: findings } }]);
    const result = await screenTriageAgent.run(
      { attachments: [screenshot, speech] },
      { engine, checkpointer: 'memory' },
    );
    expect(result.output?.answer).toEqual(findings);
    const parts = userMedia(engine);
    expect(parts[0]).toEqual({ type: 'text', text: expect.stringContaining('Triage this report') });
    expect(parts.slice(1).map((p) => p.type)).toEqual(['image', 'audio']);
    // The only thing it may do is answer: no tools, so the step schema has just the final branch.
    expect(JSON.stringify(engine.requests[0]?.responseFormat?.schema)).not.toContain('call_tool');
  });

  describe('tiny Gemma 4 (real stack)', () => {
    let engine: Awaited<ReturnType<typeof startTinyEngine>>;
    beforeAll(async () => {
      engine = await startTinyEngine();
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('answers on random weights with findings that satisfy the schema', async () => {
      const result = await screenTriageAgent.run(
        { attachments: [screenshot, speech] },
        { engine, checkpointer: 'memory' },
      );
      expect(result.status).toBe('done');
      expect(result.output?.steps).toBeLessThanOrEqual(3);
      if (result.output?.answer !== null)
        expect(triageFindingsSchema.safeParse(result.output?.answer).success).toBe(true);
      else expect(result.output?.stopReason).toBe('max-steps');
    });
  });
});
