// A workflow of plain functions that names no model: `hearth run` runs it without one.
import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

export default defineWorkflow({
  name: 'twice',
  description: 'Says a word twice',
  state: z.object({ word: z.string(), said: z.string().default('') }),
  nodes: { say: { run: (state) => ({ said: `${state.word} ${state.word}` }) } },
  edges: [
    { from: START, to: 'say' },
    { from: 'say', to: END },
  ],
});
