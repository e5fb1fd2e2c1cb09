/** A fan-in fixture: reports the children's results it was given (their run ids, statuses and outputs). */
import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

export default defineWorkflow({
  name: 'gather',
  description: 'sums up the child runs it receives',
  state: z.object({
    results: z.array(z.object({ runId: z.string(), status: z.string(), output: z.unknown().optional() })),
    summary: z.array(z.string()).default([]),
  }),
  nodes: {
    gather: {
      run: (state) => ({
        summary: state.results.map(
          (result) =>
            `${result.runId}:${result.status}:${JSON.stringify((result.output as { done?: string[] })?.done ?? [])}`,
        ),
      }),
    },
  },
  edges: [
    { from: START, to: 'gather' },
    { from: 'gather', to: END },
  ],
});
