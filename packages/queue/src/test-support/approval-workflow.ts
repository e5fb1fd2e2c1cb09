/**
 * A queued-run fixture that pauses for approval: `prepare` (a function node), then `publish`, a tool
 * node whose tool requires approval and appends `publish <key>` to the `counter` file when it runs.
 */
import { appendFileSync } from 'node:fs';
import { defineTool, defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

const publish = defineTool({
  name: 'publish',
  description: 'Publishes (appends to the counter file); needs a human approval',
  input: z.object({ counter: z.string() }),
  requiresApproval: true,
  run: ({ counter }, context) => {
    appendFileSync(counter, `publish ${context.idempotencyKey}\n`);
    return 'published';
  },
});

export default defineWorkflow({
  name: 'approved-publish',
  description: 'prepares, then publishes after approval',
  tools: [publish],
  state: z.object({ counter: z.string(), result: z.string().default('') }),
  nodes: {
    prepare: { run: () => ({ result: 'prepared' }) },
    publish: {
      tool: 'publish',
      args: (state) => ({ counter: state.counter }),
      output: (outcome) => ({ result: outcome.text }),
    },
  },
  edges: [
    { from: START, to: 'prepare' },
    { from: 'prepare', to: 'publish' },
    { from: 'publish', to: END },
  ],
});
