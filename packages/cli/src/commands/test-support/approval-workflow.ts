// A workflow for `hearth run` tests: an agent turn on the image, then a tool call that needs approval.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachmentSchema, defineAgent, defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

const describer = defineAgent({
  name: 'describer',
  instructions: 'Describe the image in a few words.',
  output: z.string().max(40),
});

export default defineWorkflow({
  name: 'approval-demo',
  description: 'describe an image, then append it to notes.txt (needs approval)',
  model: 'tiny',
  tools: (environment) => [
    {
      name: 'append_note',
      description: 'Appends a line to notes.txt in the workdir',
      input: z.object({ line: z.string() }),
      requiresApproval: true,
      run: ({ line }: { line: string }) => {
        appendFileSync(join(environment.workdir, 'notes.txt'), `${line.length}\n`);
        return 'appended';
      },
    },
  ],
  state: z.object({
    attachments: z.array(attachmentSchema).default([]),
    description: z.string().default(''),
    saved: z.string().default(''),
  }),
  nodes: {
    describe: {
      target: describer,
      input: (state) => ({ prompt: 'What is in the image?', attachments: state.attachments }),
      output: (result) => ({ description: result.answer ?? '' }),
    },
    save: {
      tool: 'append_note',
      args: (state) => ({ line: state.description }),
      output: (outcome) => ({ saved: outcome.text }),
    },
  },
  edges: [
    { from: START, to: 'describe' },
    { from: 'describe', to: 'save' },
    { from: 'save', to: END },
  ],
});
