/**
 * Planner benchmarks (printed, never asserted):
 * 1. Workflow engine overhead: steps/s of an N-step no-op workflow through Hearth's defineWorkflow vs
 *    the same graph built on raw LangGraph, both checkpointing to memory and to SQLite.
 * 2. Agent-step overhead: one agent turn (graph, schema, checkpoint, events) vs the raw engine call it
 *    makes, on the testkit's tiny Gemma 4 through the real llama.node host.
 * Run: npm run bench -w @hearth/core  (about a minute on 2 cores)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerModelFileGenerator } from '@hearth/model';
import { startTinyEngine } from '@hearth/model/testing';
import { makeTestkitModel } from '@hearth/testkit';
import { END, MemorySaver, START, StateGraph, StateSchema } from '@langchain/langgraph';
import { z } from 'zod';
import { defineAgent } from '../src/agent/define-agent.js';
import { constrainedStepSchema } from '../src/agent/step-schema.js';
import { openCheckpointer } from '../src/checkpointer.js';
import { defineWorkflow } from '../src/workflow/define-workflow.js';

const steps = Number(process.env.BENCH_STEPS ?? 50);
const runs = Number(process.env.BENCH_RUNS ?? 10);
const nodes = Array.from({ length: steps }, (_, i) => `n${i}`);
const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));

function rawGraph() {
  // biome-ignore lint/suspicious/noExplicitAny: a chain built in a loop has no useful static type
  let builder: any = new StateGraph(new StateSchema({ count: z.number().default(0) }));
  for (const node of nodes)
    builder = builder.addNode(node, (s: { count: number }) => ({ count: s.count + 1 }));
  builder = builder.addEdge(START, nodes[0]);
  for (let i = 1; i < nodes.length; i++) builder = builder.addEdge(nodes[i - 1], nodes[i]);
  return builder.addEdge(nodes.at(-1), END);
}

const hearth = defineWorkflow({
  name: 'noop',
  description: 'N no-op steps',
  state: z.object({ count: z.number().default(0) }),
  nodes: Object.fromEntries(
    nodes.map((node) => [node, { run: (s: { count: number }) => ({ count: s.count + 1 }) }]),
  ),
  edges: [
    { from: START, to: nodes[0] as string },
    ...nodes.slice(1).map((node, i) => ({ from: nodes[i] as string, to: node })),
    { from: nodes.at(-1) as string, to: END },
  ],
});

/** Times two variants run alternately (so machine noise hits both alike); returns steps/s of each. */
async function compare(
  a: (run: number) => Promise<unknown>,
  b: (run: number) => Promise<unknown>,
): Promise<[number, number]> {
  await a(-1); // warm-up
  await b(-1);
  const spent = [0, 0];
  for (let run = 0; run < runs; run++) {
    for (const [i, variant] of [a, b].entries()) {
      const start = performance.now();
      await variant(run);
      spent[i] = (spent[i] ?? 0) + performance.now() - start;
    }
  }
  return spent.map((ms) => (steps * runs) / (ms / 1000)) as [number, number];
}

console.log(`Workflow engine overhead: ${steps}-step no-op chain, ${runs} runs each, alternating`);
for (const store of ['memory', 'sqlite'] as const) {
  // Same SQLite driver for both (openCheckpointer falls back to node:sqlite where better-sqlite3 does not load).
  const saver = store === 'memory' ? new MemorySaver() : openCheckpointer(join(dir, 'raw.sqlite'));
  const raw = rawGraph().compile({ checkpointer: saver });
  const hearthStore = store === 'memory' ? 'memory' : join(dir, 'hearth.sqlite');
  const [rawRate, hearthRate] = await compare(
    (run) =>
      raw.invoke(
        { count: 0 },
        { configurable: { thread_id: `raw-${run}` }, durability: 'sync', recursionLimit: steps + 10 },
      ),
    () => hearth.run({ count: 0 }, { checkpointer: hearthStore, recursionLimit: steps + 10 }),
  );
  console.log(
    `  raw LangGraph (${store} checkpoints)`.padEnd(48),
    `${rawRate.toFixed(0).padStart(7)} steps/s`,
  );
  console.log(
    `  Hearth defineWorkflow (${store} checkpoints)`.padEnd(48),
    `${hearthRate.toFixed(0).padStart(7)} steps/s`,
  );
  console.log(
    `  ratio Hearth/raw: ${(hearthRate / rawRate).toFixed(2)} (1.00 = no overhead; lower = slower)`,
  );
}

console.log('\nAgent-step overhead on the tiny Gemma 4 (llama.node host, 1 thread)');
registerModelFileGenerator(makeTestkitModel);
const engine = await startTinyEngine();
// A short answer schema, so every turn ends in one complete JSON answer well inside maxTokens.
const answer = z.string().max(40);
const agent = defineAgent({ name: 'bench', instructions: 'Answer briefly.', output: answer, maxTokens: 64 });
const turns = Number(process.env.BENCH_TURNS ?? 20);
const request = {
  messages: [
    { role: 'system' as const, content: 'Answer briefly.' },
    { role: 'user' as const, content: 'Say hello.' },
  ],
  responseFormat: { type: 'json_schema' as const, schema: constrainedStepSchema([], answer) },
  maxTokens: 64,
  sampling: { greedy: true },
};
async function perTurn(label: string, once: () => Promise<unknown>): Promise<number> {
  await once();
  const start = performance.now();
  for (let i = 0; i < turns; i++) await once();
  const ms = (performance.now() - start) / turns;
  console.log(`  ${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms/turn`);
  return ms;
}
const rawMs = await perTurn('raw engine.generate (same request)', () => engine.generate(request));
const agentMs = await perTurn('Hearth agent turn (memory checkpoints)', async () => {
  const result = await agent.run({ prompt: 'Say hello.' }, { engine, checkpointer: 'memory' });
  if (result.output?.steps !== 1)
    throw new Error(`expected a one-turn answer, got ${result.output?.steps} turns`);
});
const sqliteMs = await perTurn('Hearth agent turn (SQLite checkpoints)', () =>
  agent.run({ prompt: 'Say hello.' }, { engine, checkpointer: join(dir, 'agent.sqlite') }),
);
console.log(
  `  overhead per turn: +${(agentMs - rawMs).toFixed(1)} ms memory, +${(sqliteMs - rawMs).toFixed(1)} ms SQLite`,
);
console.log(
  `  ratio agent/raw: ${(agentMs / rawMs).toFixed(2)} memory, ${(sqliteMs / rawMs).toFixed(2)} SQLite`,
);
await engine.close();
