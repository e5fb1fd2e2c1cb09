import { ToolRegistry } from '@hearth/core';
import { ScriptedEngine } from '@hearth/core/testing';
import { registerModelFileGenerator } from '@hearth/model';
import { startTinyEngine } from '@hearth/model/testing';
import { makeTestkitModel } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writer } from '../src/agents/writer.js';
import { wordCount } from '../src/tools/word-count.js';
import { greeting } from '../src/workflows/greeting.js';

// The `tiny` preset is a small random-weight Gemma 4 the testkit generates on first use.
registerModelFileGenerator((name) => makeTestkitModel(name));

describe('with a scripted model (fast, exact)', () => {
  it('word_count counts words', async () => {
    const result = await new ToolRegistry([wordCount]).call('word_count', { text: 'one two  three' });
    expect(result.structuredContent).toEqual({ words: 3 });
  });

  it('the writer calls word_count, then answers in its schema', async () => {
    const engine = new ScriptedEngine((request) =>
      JSON.stringify(request.messages).includes('Result of word_count')
        ? { json: { action: 'final_answer', answer: { greeting: 'Hello, Ada!' } } }
        : { json: { action: 'call_tool', tool: 'word_count', args: { text: 'Hello, Ada!' } } },
    );
    const result = await writer.run({ prompt: 'Greet Ada' }, { engine, checkpointer: 'memory' });
    expect(result.output?.answer).toEqual({ greeting: 'Hello, Ada!' });
    expect(result.output?.toolCalls.map((call) => call.tool)).toEqual(['word_count']);
  });

  it('the greeting workflow drafts with the writer and counts the words', async () => {
    const engine = new ScriptedEngine([
      { json: { action: 'final_answer', answer: { greeting: 'Good morning, dear Ada' } } },
    ]);
    const result = await greeting.run({ name: 'Ada' }, { engine, checkpointer: 'memory' });
    expect(result.output).toEqual({ greeting: 'Good morning, dear Ada', words: 4 });
  });
});

describe('on the tiny model (the real llama.cpp stack)', () => {
  let engine: Awaited<ReturnType<typeof startTinyEngine>>;
  beforeAll(async () => {
    engine = await startTinyEngine();
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('the workflow finishes; its word count matches its greeting', async () => {
    const result = await greeting.run({ name: 'Ada' }, { engine, checkpointer: 'memory' });
    expect(result.status).toBe('done');
    const output = result.output as { greeting: string; words: number };
    expect(output.greeting.length).toBeGreaterThan(0);
    expect(output.words).toBe(output.greeting.split(/\s+/).filter(Boolean).length);
  });
});
