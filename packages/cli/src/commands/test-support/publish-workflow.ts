// A workflow for `hearth run --queue` approval tests, with no model: `prepare`, then `publish`, whose
// tool needs a human's approval and appends a line to `published.txt` in `dir` when it runs.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineTool, defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

const publish = defineTool({
  name: 'publish',
  description: 'Publishes (appends a line to published.txt); needs a human approval',
  input: z.object({ dir: z.string() }),
  requiresApproval: true,
  run: ({ dir }) => {
    appendFileSync(join(dir, 'published.txt'), 'published\n');
    return 'published';
  },
});

export default defineWorkflow({
  name: 'publish',
  description: 'prepares, then publishes after approval',
  tools: [publish],
  state: z.object({ dir: z.string(), result: z.string().default('') }),
  nodes: {
    prepare: { run: () => ({ result: 'prepared' }) },
    publish: {
      tool: 'publish',
      args: (state) => ({ dir: state.dir }),
      output: (outcome) => ({ result: outcome.text }),
    },
  },
  edges: [
    { from: START, to: 'prepare' },
    { from: 'prepare', to: 'publish' },
    { from: 'publish', to: END },
  ],
});
