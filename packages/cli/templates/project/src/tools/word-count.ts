import { defineTool } from '@hearth/core';
import { z } from 'zod';

/**
 * A tool: a name and description the model reads, a zod input schema, and `run`. The writer agent
 * may call it, the greeting workflow calls it from a tool node, and `hearth mcp serve` serves it
 * (this folder is listed in hearth.config.json under tools.dirs).
 */
export const wordCount = defineTool({
  name: 'word_count',
  description: 'Counts the words in a text',
  input: z.object({ text: z.string().describe('the text whose words to count') }),
  output: z.object({ words: z.number().int() }),
  run: ({ text }) => ({ words: text.split(/\s+/).filter(Boolean).length }),
});
