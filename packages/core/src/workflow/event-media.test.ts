import type { RunEvent } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { imageResult } from '../tools/define-tool.js';
import { defineWorkflow, END, START } from './define-workflow.js';

// Bytes that are not a valid PNG on purpose: the event carries what the tool returned, unread.
const shot = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 255]);

const workflow = defineWorkflow({
  name: 'look-once',
  description: 'one tool node returning a screenshot',
  tools: [
    {
      name: 'look',
      description: 'returns a screenshot',
      input: z.object({}),
      run: () => imageResult(shot, 'image/png', 'the page'),
    },
  ],
  state: z.object({ seen: z.string().default('') }),
  nodes: { look: { tool: 'look', args: () => ({}), output: (outcome) => ({ seen: outcome.text }) } },
  edges: [
    { from: START, to: 'look' },
    { from: 'look', to: END },
  ],
});

const toolResults = async (eventMedia: boolean) => {
  const events: RunEvent[] = [];
  await workflow.run({}, { checkpointer: 'memory', eventMedia, onEvent: (event) => events.push(event) });
  return events.filter((event) => event.type === 'tool-result');
};

describe('RunOptions.eventMedia', () => {
  it('puts the images a tool returned into its tool-result event as base64, only when asked', async () => {
    const [withMedia] = await toolResults(true);
    expect(withMedia).toMatchObject({
      tool: 'look',
      media: 1,
      mediaParts: [{ kind: 'image', mimeType: 'image/png', data: shot.toString('base64') }],
    });
    const [without] = await toolResults(false);
    expect(without).toMatchObject({ tool: 'look', media: 1 });
    expect(without).not.toHaveProperty('mediaParts');
  });
});
