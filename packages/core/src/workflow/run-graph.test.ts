import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent } from '../agent/define-agent.js';
import { defineWorkflow, END, START } from './define-workflow.js';

const helper = defineAgent({ name: 'helper', instructions: 'Help.' });

const workflow = defineWorkflow({
  name: 'graph-demo',
  description: 'a routed edge and a nested agent',
  state: z.object({ text: z.string().default(''), long: z.boolean().default(false) }),
  nodes: {
    measure: { run: (state) => ({ long: state.text.length > 10 }) },
    ask: {
      target: helper,
      input: (state) => ({ prompt: state.text }),
      output: (result) => ({ text: String(result.answer ?? '') }),
    },
  },
  edges: [
    { from: START, to: 'measure' },
    { from: 'measure', route: (state) => (state.long ? 'ask' : END), targets: ['ask', END] },
    { from: 'ask', to: END },
  ],
});

describe('RunTarget.graph', () => {
  it('gives nodes, plain and routed edges, and the graph of a nested agent', async () => {
    const graph = await workflow.graph();
    expect(graph.nodes.map((node) => node.id).sort()).toEqual(['__end__', '__start__', 'ask', 'measure']);
    expect(graph.edges).toContainEqual({ source: '__start__', target: 'measure', conditional: false });
    expect(graph.edges).toContainEqual({ source: 'measure', target: 'ask', conditional: true });
    expect(graph.edges).toContainEqual({ source: 'measure', target: '__end__', conditional: true });
    const ask = graph.nodes.find((node) => node.id === 'ask');
    expect(ask?.subgraph).toMatchObject({ kind: 'agent', name: 'helper' });
    expect(ask?.subgraph?.graph.nodes.map((node) => node.id)).toContain('model');
    expect(graph.nodes.find((node) => node.id === 'measure')?.subgraph).toBeUndefined();
  });
});
