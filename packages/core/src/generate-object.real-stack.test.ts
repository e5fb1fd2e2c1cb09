import type { Engine } from '@hearth/engine';
import { startTinyEngine } from '@hearth/model/testing';
import { makeMediaFixtures } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateObject } from './generate-object.js';
import { type Attachment, attachmentFromFile } from './media.js';

// The tiny Gemma 4 has random weights: under the grammar it writes strings up to their bound, often
// with random byte tokens that form ill-formed UTF-8. That is the case the string bounds must survive.
let engine: Engine;
let attachments: Attachment[];
beforeAll(async () => {
  engine = await startTinyEngine();
  const fixtures = await makeMediaFixtures();
  attachments = [
    await attachmentFromFile(fixtures.screenshotPng, 'image'),
    await attachmentFromFile(fixtures.speechWav, 'audio'),
  ];
});
afterAll(async () => {
  await engine?.close();
});

const triage = z.object({
  title: z.string().min(1).max(80),
  summary: z.string().min(1).max(300),
  checks: z.array(z.string().min(1).max(120)).min(1).max(4),
});

describe('generateObject on the tiny model', () => {
  it('a schema with bounded strings validates on every seed', async () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    let repairedReplies = 0;
    for (const seed of seeds) {
      const result = await generateObject({
        engine,
        schema: triage,
        name: 'triage',
        system: 'Turn the bug report into a title, a summary and checks. Reply with JSON.',
        prompt: 'Plan the investigation.',
        attachments,
        sampling: { temperature: 0.8, seed },
      });
      expect(triage.safeParse(result.object).success).toBe(true);
      if (result.repaired.length > 0) repairedReplies++;
    }
    // The seeds do produce over-long decoded strings (else this test would not test the bound).
    expect(repairedReplies).toBeGreaterThan(0);
  });
});
