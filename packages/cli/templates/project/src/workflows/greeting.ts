import { defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';
import { writer } from '../agents/writer.js';
import { wordCount } from '../tools/word-count.js';

const state = z.object({
  name: z.string().min(1).default('world'),
  greeting: z.string().default(''),
  words: z.number().int().default(0),
});

/**
 * A workflow: typed state, nodes (an agent, a tool call, or a plain function) and edges. Each step is
 * checkpointed, so a stopped run resumes with `hearth run --resume <id>`.
 */
export const greeting = defineWorkflow({
  name: 'greeting',
  description: 'Greets someone: the writer agent drafts a greeting, then word_count measures it',
  model: 'tiny',
  tools: [wordCount],
  state,
  input: state.pick({ name: true }),
  nodes: {
    draft: {
      target: writer,
      input: (s) => ({ prompt: `Write a greeting for ${s.name}.` }),
      output: (result, s) => ({ greeting: result.answer?.greeting ?? `Hello, ${s.name}!` }),
    },
    count: {
      tool: 'word_count',
      args: (s) => ({ text: s.greeting }),
      output: (outcome) => {
        if (outcome.isError) throw new Error(`word_count failed: ${outcome.text}`);
        return { words: Number(outcome.structured?.words) };
      },
    },
  },
  edges: [
    { from: START, to: 'draft' },
    { from: 'draft', to: 'count' },
    { from: 'count', to: END },
  ],
  output: (s) => ({ greeting: s.greeting, words: s.words }),
});
