import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defineTool } from '@hearth/core';
import type { Engine, GenerateRequest } from '@hearth/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replayAnswer } from './episode.js';
import { type EvalModel, runEvals } from './harness.js';
import { evalModel } from './models.js';
import type { SuiteRun } from './reference-models.js';
import type { EvalCase, MultiStepSuite } from './suite.js';
import { readResultRecords, temporaryFolderForFile } from './test-support/eval-output.js';

// A two-case world: a counter the agent must set to a target the user names in a second turn.
interface CounterCase extends EvalCase {
  target: number;
}
/** Every work folder the harness made for an episode (each must be gone once its case is recorded). */
const workDirs: string[] = [];
const counterSuite: MultiStepSuite<CounterCase, { counter: number }> = {
  kind: 'multi-step',
  name: 'counter',
  description: 'set a counter',
  load: async () => ({
    suite: 'counter',
    dataDir: '(inline)',
    cases: [
      { id: 'c1', category: 'set', target: 3 },
      { id: 'c2', category: 'set', target: 5 },
    ],
    unscorable: [],
    skipped: [],
  }),
  episode: async (testCase, workDir) => {
    workDirs.push(workDir);
    const state = { counter: 0 };
    return {
      system: 'Set the counter to what the user asks.',
      userTurns: ['Please set the counter.', `Set it to ${testCase.target}.`],
      tools: [
        defineTool({
          name: 'set_counter',
          description: 'sets the counter',
          input: z.object({ value: z.number().int() }),
          run: ({ value }) => {
            state.counter = value;
            return 'ok';
          },
        }),
      ],
      maxSteps: 4,
      endState: async () => ({ ...state }),
      close: async () => {},
    };
  },
  check: (testCase, { endState }) =>
    endState.counter === testCase.target
      ? { correct: true, reason: 'the counter is right' }
      : {
          correct: false,
          reason: `counter is ${endState.counter}, expected ${testCase.target}`,
          errorType: 'state_mismatch',
        },
  oracleTurns: (testCase) => [
    { text: 'To what?', calls: [] },
    { text: '', calls: [{ name: 'set_counter', args: { value: testCase.target } }] },
    { text: 'Done.', calls: [] },
  ],
  mutantTurns: (testCase) => ({
    turns: [
      { text: 'To what?', calls: [] },
      { text: '', calls: [{ name: 'set_counter', args: { value: testCase.target + 1 } }] },
      { text: 'Done.', calls: [] },
    ],
    fault: 'wrong value',
    expectedErrorType: 'state_mismatch',
  }),
};

const dir = temporaryFolderForFile('hearth-evals-episode-');
let runs: SuiteRun[];
beforeAll(async () => {
  const loaded = await counterSuite.load();
  runs = [{ suite: counterSuite as MultiStepSuite<EvalCase>, loaded }];
});

describe('multi-step cases', () => {
  it('oracle replays the ground-truth turns to 100%, mutant its faulty turns to 0%, with steps and transcript recorded', async () => {
    const models = await Promise.all(['oracle', 'mutant'].map((spec) => evalModel(spec, runs)));
    const outDir = join(dir(), 'reference');
    const summary = await runEvals({ suites: runs, models, outDir });
    expect(summary.models.oracle).toMatchObject({ successRate: 1, scored: 2 });
    expect(summary.models.mutant).toMatchObject({ successRate: 0, scored: 2 });
    const records = await readResultRecords(outDir);
    const oracle = records.find((record) => record.model === 'oracle' && record.id === 'c2');
    expect(oracle).toMatchObject({
      steps: 3,
      calls: [{ name: 'set_counter', args: { value: 5 } }],
      output: { text: 'To what?\nDone.' },
      episode: { stopReason: 'replied' },
    });
    expect(oracle?.episode?.transcript.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    // 2 cases x 2 models, each in its own fresh folder under the run's, removed after the case.
    expect(new Set(workDirs).size).toBe(4);
    for (const workDir of workDirs) {
      expect(workDir.startsWith(join(outDir, '.hearth-eval-episodes'))).toBe(true);
      expect(existsSync(workDir), workDir).toBe(false);
    }
    expect(existsSync(join(outDir, '.hearth-eval-episodes'))).toBe(false);
    const mutant = records.find((record) => record.model === 'mutant' && record.id === 'c1');
    expect(mutant).toMatchObject({ errorType: 'state_mismatch', reason: 'counter is 4, expected 3' });
    expect(mutant?.output.text).toContain('mutant fault: wrong value (expect state_mismatch)');
  });

  it("removes a killed run's leftover episode folders when it resumes", async () => {
    const models = [await evalModel('oracle', runs)];
    const outDir = join(dir(), 'leftovers');
    const leftover = join(outDir, '.hearth-eval-episodes', 'hearth-evals-counter-c1-killed', 'shop.db');
    await mkdir(dirname(leftover), { recursive: true });
    await writeFile(leftover, 'a killed episode');
    const summary = await runEvals({ suites: runs, models, outDir });
    expect(summary.models.oracle?.successRate).toBe(1);
    expect(existsSync(join(outDir, '.hearth-eval-episodes'))).toBe(false);
  });

  it('sends bad calls back to the model as errors and stops a model that never replies at maxSteps', async () => {
    const seen: GenerateRequest[] = [];
    const looping: Engine = {
      info: {
        engine: 'looping',
        model: 'looping',
        contextSize: 0,
        capabilities: {
          image: false,
          audio: false,
          tools: true,
          jsonSchema: true,
          thinking: false,
          mtp: false,
        },
      },
      generate: async (request) => {
        seen.push(request);
        return {
          text: '',
          toolCalls: [{ id: `x${seen.length}`, name: 'set_counter', args: { value: 'three' } }],
          finishReason: 'tool_calls',
          usage: { promptTokens: 10, completionTokens: 5 },
          timings: { prefillMs: 1, decodeMs: 100, prefillTokensPerSecond: 0, decodeTokensPerSecond: 50 },
          mtp: null,
          model: 'looping',
        };
      },
      stream: async function* () {},
      close: async () => {},
    };
    const models: EvalModel[] = [{ name: 'looping', spec: 'looping', files: [], open: async () => looping }];
    const outDir = join(dir(), 'looping');
    await runEvals({ suites: runs, models, outDir });
    const [record] = await readResultRecords(outDir);
    expect(record).toMatchObject({
      correct: false,
      steps: 4,
      calls: [],
      episode: { stopReason: 'max-steps' },
      promptTokens: 40,
      completionTokens: 20,
      tokensPerSecond: 50,
    });
    expect(record?.output.toolCalls).toHaveLength(4);
    const toolReply = seen[1]?.messages.at(-1);
    expect(toolReply).toMatchObject({ role: 'tool', toolCallId: 'x1', name: 'set_counter' });
    expect(JSON.stringify(toolReply?.content)).toContain('Invalid arguments for tool');
  });

  it('scores an answers-file answer by replaying its calls against a fresh episode', async () => {
    const [testCase] = (await counterSuite.load()).cases;
    if (!testCase) throw new Error('no case');
    const call = (value: number) => ({ name: 'set_counter', args: { value } });
    expect(
      await replayAnswer(counterSuite, testCase, { id: 'c1', calls: [call(1), call(3)], text: '' }),
    ).toEqual({
      correct: true,
      reason: 'the counter is right',
    });
    expect(
      await replayAnswer(counterSuite, testCase, { id: 'c1', calls: [call(3), call(2)], text: '' }),
    ).toMatchObject({ correct: false, reason: 'counter is 2, expected 3' });
  });
});
