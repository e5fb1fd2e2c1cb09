import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ToolLedger } from './runtime.js';
import { defineTool } from './tools/define-tool.js';
import type { ToolResult } from './tools/tool-types.js';
import { defineWorkflow, END, START } from './workflow/define-workflow.js';

/** A ledger in memory, as @hearth/queue keeps one in Postgres. */
class MemoryLedger implements ToolLedger {
  readonly results = new Map<string, ToolResult>();
  async once(key: string, call: () => Promise<ToolResult>): Promise<ToolResult> {
    const recorded = this.results.get(key);
    if (recorded) return recorded;
    const result = await call();
    this.results.set(key, result);
    return result;
  }
}

function sendingWorkflow(keys: (string | undefined)[]) {
  const send = defineTool({
    name: 'send',
    description: 'sends a message (a counted side effect)',
    input: z.object({ to: z.string() }),
    run: ({ to }, context) => {
      keys.push(context.idempotencyKey);
      return `sent to ${to} #${keys.length}`;
    },
  });
  return defineWorkflow({
    name: 'mailer',
    description: 'sends twice from a function node, once from a tool node',
    state: z.object({ sent: z.array(z.string()).default([]) }),
    tools: [send],
    nodes: {
      twice: {
        run: async (_state, context) => {
          const first = await context.callTool('send', { to: 'a' });
          const second = await context.callTool('send', { to: 'b' });
          return { sent: [first.text, second.text] };
        },
      },
      once: {
        tool: 'send',
        approval: false,
        args: () => ({ to: 'c' }),
        output: (outcome, state) => ({ sent: [...state.sent, outcome.text] }),
      },
    },
    edges: [
      { from: START, to: 'twice' },
      { from: 'twice', to: 'once' },
      { from: 'once', to: END },
    ],
  });
}

describe('tool call keys and the tool ledger', () => {
  it('hands each call a distinct key naming its thread, and records every result under it', async () => {
    const keys: (string | undefined)[] = [];
    const ledger = new MemoryLedger();
    const result = await sendingWorkflow(keys).run(
      {},
      { checkpointer: 'memory', threadId: 'thread-keys', toolLedger: ledger },
    );
    expect(result.output).toMatchObject({ sent: ['sent to a #1', 'sent to b #2', 'sent to c #3'] });
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(key).toMatch(/^thread-keys\|/);
    expect([...ledger.results.keys()].sort()).toEqual([...keys].sort());
  });

  it('gives the calls of a resumed step the same keys, so the ledger answers instead of the tool', async () => {
    const keys: (string | undefined)[] = [];
    const ledger = new MemoryLedger();
    const workflow = sendingWorkflow(keys);
    // The process "dies" after the tool node's call was recorded, before its step was checkpointed.
    const dying: ToolLedger = {
      once: async (key, call) => {
        const result = await ledger.once(key, call);
        if (key.endsWith('|once')) throw new Error('worker died');
        return result;
      },
    };
    const options = { checkpointer: 'memory', threadId: 'thread-resumed' } as const;
    await expect(workflow.run({}, { ...options, toolLedger: dying })).rejects.toThrow('worker died');
    expect(keys).toHaveLength(3);

    const resumed = await workflow.resume('thread-resumed', undefined, { ...options, toolLedger: ledger });
    expect(keys).toHaveLength(3);
    expect(resumed.output).toMatchObject({ sent: ['sent to a #1', 'sent to b #2', 'sent to c #3'] });
  });
});
