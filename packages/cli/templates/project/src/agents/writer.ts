import { defineAgent } from '@hearth/core';
import { z } from 'zod';
import { wordCount } from '../tools/word-count.js';

/**
 * An agent: instructions, tools, and a typed answer. In `constrained` mode every step is decoded
 * under a JSON schema, so even a small model answers in this shape. `model` is what `hearth run` and
 * `hearth mcp serve` use without `--model`: `tiny` is the generated test model (its words are noise);
 * pick a Gemma 4 preset from `hearth models list` for real answers.
 */
export const writer = defineAgent({
  name: 'writer',
  description: 'Writes a short greeting, checking its length with word_count',
  instructions:
    'You write short, friendly greetings. Use word_count to check that a greeting has at most 20 words.',
  model: 'tiny',
  mode: 'constrained',
  tools: [wordCount],
  output: z.object({ greeting: z.string().min(1).max(200) }),
  maxSteps: 3,
  maxTokens: 256,
});
