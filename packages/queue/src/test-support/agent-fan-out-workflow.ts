/**
 * A fan-out to an agent: `shout-each` runs the `shout` agent once per item, in parallel. On the
 * scripted engine of `shoutEngine` the agent calls `count` once (a line `<item> <idempotency key>` in
 * the counter file named in its prompt) and then answers the item upper-cased.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineAgent, defineTool, defineWorkflow, END, fanOut, START } from '@hearth/core';
import { ScriptedEngine } from '@hearth/core/testing';
import { z } from 'zod';

const count = defineTool({
  name: 'count',
  description: 'Appends an item and its idempotency key to the counter file',
  input: z.object({ counter: z.string(), item: z.string() }),
  run: async ({ counter, item }, context) => {
    appendFileSync(counter, `${item} ${context.idempotencyKey}\n`);
    // Long enough that the other workers take the other branches meanwhile.
    await sleep(300);
    return `counted ${item}`;
  },
});

const shout = defineAgent({
  name: 'shout',
  instructions: 'Count the item with the count tool, then answer it in capitals.',
  tools: [count],
});

/** The model of the `shout` agent: a tool call first, then the answer (read from the prompt). */
export function shoutEngine(): ScriptedEngine {
  return new ScriptedEngine((request) => {
    const seen = JSON.stringify(request.messages);
    const item = /item=(\w+)/.exec(seen)?.[1] ?? '?';
    const counter = /counter=([\w/.-]+)/.exec(seen)?.[1] ?? '?';
    return seen.includes('Result of count')
      ? { json: { action: 'final_answer', answer: item.toUpperCase() } }
      : { json: { action: 'call_tool', tool: 'count', args: { counter, item } } };
  });
}

export default defineWorkflow({
  name: 'shout-each',
  description: 'asks the shout agent about each item, in parallel',
  state: z.object({
    items: z.array(z.string()),
    counter: z.string(),
    item: z.string().default(''),
    answers: z.array(z.string()).default([]),
  }),
  reducers: { answers: (current: string[], update: string[]) => [...current, ...update].sort() },
  nodes: {
    plan: { run: () => ({}) },
    ask: {
      target: shout,
      input: (state) => ({ prompt: `item=${state.item} counter=${state.counter}` }),
      output: (result) => ({ answers: [String(result.answer)] }),
    },
  },
  edges: [
    { from: START, to: 'plan' },
    {
      from: 'plan',
      route: (state) => state.items.map((item) => fanOut('ask', { item, counter: state.counter })),
      targets: ['ask'],
    },
    { from: 'ask', to: END },
  ],
  output: (state) => ({ answers: state.answers }),
});
