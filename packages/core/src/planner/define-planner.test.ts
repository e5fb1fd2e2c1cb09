import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContentPart, GenerateRequest, MediaInput, Message, RunEvent } from '@hearth/engine';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Attachment } from '../media.js';
import { ScriptedEngine, type ScriptedReply } from '../testing/scripted-engine.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import { definePlanner } from './define-planner.js';

const png: Attachment = {
  kind: 'image',
  mimeType: 'image/png',
  bytes: new TextEncoder().encode('goal-png'),
  name: 'shot.png',
};
const wav: Attachment = {
  kind: 'audio',
  mimeType: 'audio/wav',
  bytes: new TextEncoder().encode('goal-wav'),
  name: 'note.wav',
};
const toolPng = new TextEncoder().encode('tool-screenshot');

/** Media reached the engine as these very bytes (not a path, not a data URL). */
const isBytes = (media: MediaInput, bytes: Uint8Array) =>
  media instanceof Uint8Array && Buffer.compare(media, bytes) === 0;

const stepOf = (request: GenerateRequest) => {
  const user = request.messages.find((m) => m.role === 'user');
  return /Your step \[(s\d+)\]/.exec(JSON.stringify(user?.content))?.[1];
};
const mediaParts = (message: Message | undefined): ContentPart[] =>
  message && message.role === 'user' && Array.isArray(message.content)
    ? message.content.filter((p) => p.type !== 'text')
    : [];
const firstUser = (request: GenerateRequest) => request.messages.find((m) => m.role === 'user');

function screenshotTool(calls: string[], concurrency: { now: number; max: number }): ToolDefinition {
  return {
    name: 'screenshot',
    description: 'Takes a screenshot of a page',
    input: z.object({ url: z.string() }),
    run: async ({ url }: { url: string }) => {
      calls.push(url);
      concurrency.now++;
      concurrency.max = Math.max(concurrency.max, concurrency.now);
      await new Promise((resolve) => setTimeout(resolve, 40));
      concurrency.now--;
      return {
        content: [
          { type: 'text', text: `screenshot of ${url}` },
          { type: 'image', bytes: toolPng, mimeType: 'image/png' },
        ],
      };
    },
  };
}

/** A model that plans s1 || s2 -> s3, screenshots in s1 and s2, and cites s3. */
function dagModel(): ScriptedEngine {
  return new ScriptedEngine((request): ScriptedReply => {
    const format = request.responseFormat?.name;
    if (format === 'plan') {
      return {
        json: {
          steps: [
            { id: 's1', task: 'look at the home page', dependsOn: [] },
            { id: 's2', task: 'look at the login page', dependsOn: [] },
            { id: 's3', task: 'compare them', dependsOn: ['s1', 's2'] },
          ],
        },
      };
    }
    if (format === 'answer')
      return { json: { answer: 'the login page is broken', citedSteps: ['s3', 's1', 'bogus'] } };
    const step = stepOf(request);
    const sawResult = request.messages.some((m) =>
      JSON.stringify(m.content).includes('Result of screenshot'),
    );
    if ((step === 's1' || step === 's2') && !sawResult) {
      return {
        json: { action: 'call_tool', tool: 'screenshot', args: { url: step === 's1' ? '/home' : '/login' } },
      };
    }
    return {
      json: { action: 'final_answer', answer: { result: `${step} done`, succeeded: true, newFacts: false } },
    };
  });
}

describe('definePlanner (scripted model)', () => {
  it('plans a DAG, runs independent steps in parallel, passes observations on as images and cites steps', async () => {
    const calls: string[] = [];
    const concurrency = { now: 0, max: 0 };
    const planner = definePlanner({ name: 'inspector', tools: [screenshotTool(calls, concurrency)] });
    const engine = dagModel();
    const events: RunEvent[] = [];
    const result = await planner.run(
      { goal: 'Why does login fail?', attachments: [png, wav] },
      { engine, checkpointer: 'memory', onEvent: (e) => events.push(e) },
    );
    const output = result.output;
    expect(output?.plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['s1', []],
      ['s2', []],
      ['s3', ['s1', 's2']],
    ]);
    expect(output?.steps.map((s) => [s.id, s.status])).toEqual([
      ['s1', 'done'],
      ['s2', 'done'],
      ['s3', 'done'],
    ]);
    expect(concurrency.max).toBe(2);
    expect(calls.sort()).toEqual(['/home', '/login']);
    expect(output?.answer).toBe('the login page is broken');
    expect(output?.citedSteps).toEqual(['s3', 's1']);
    expect(events.find((e) => e.type === 'plan')).toMatchObject({ revision: 1 });

    // At the engine boundary: the goal's screenshot and voice note are media parts in every model call,
    // never text, and the tools' screenshots reach s3 and the answer as images.
    for (const request of engine.requests) {
      const parts = mediaParts(firstUser(request));
      expect(parts.filter((p) => p.type === 'image')[0]).toEqual({
        type: 'image',
        image: png.bytes,
        mimeType: 'image/png',
      });
      expect(
        parts.some((p) => p.type === 'audio' && isBytes(p.audio, wav.bytes) && p.mimeType === 'audio/wav'),
      ).toBe(true);
      expect(
        request.messages.filter((m) => m.role === 'system').every((m) => typeof m.content === 'string'),
      ).toBe(true);
    }
    const isToolImage = (p: ContentPart) =>
      p.type === 'image' && isBytes(p.image, toolPng) && p.mimeType === 'image/png';
    const s3 = engine.requests.find((r) => stepOf(r) === 's3');
    expect(mediaParts(firstUser(s3 as GenerateRequest)).filter(isToolImage)).toHaveLength(2);
    const answer = engine.requests.find((r) => r.responseFormat?.name === 'answer');
    expect(mediaParts(firstUser(answer as GenerateRequest)).some(isToolImage)).toBe(true);
    // Inside a step, the tool's screenshot came back to the model as an image, not as a description.
    const s1Second = engine.requests.filter((r) => stepOf(r) === 's1')[1];
    const toolResult = s1Second?.messages.at(-1);
    expect(
      toolResult?.role === 'user' &&
        Array.isArray(toolResult.content) &&
        toolResult.content.map((p) => p.type),
    ).toEqual(['text', 'text', 'image']);
  });

  it('native mode: steps call tools with native tool calls and answer in JSON text', async () => {
    const calls: string[] = [];
    const engine = new ScriptedEngine((request): ScriptedReply => {
      if (request.responseFormat?.name === 'plan')
        return { json: { steps: [{ id: 's1', task: 'look', dependsOn: [] }] } };
      if (request.responseFormat?.name === 'answer') return { json: { answer: 'seen', citedSteps: ['s1'] } };
      const answered = request.messages.some((m) => m.role === 'tool');
      return answered
        ? { text: JSON.stringify({ result: 'looked', succeeded: true, newFacts: false }) }
        : { toolCalls: [{ name: 'screenshot', args: { url: '/home' } }] };
    });
    const planner = definePlanner({
      name: 'native',
      mode: 'native',
      tools: [screenshotTool(calls, { now: 0, max: 0 })],
    });
    const result = await planner.run({ goal: 'look' }, { engine, checkpointer: 'memory' });
    expect(calls).toEqual(['/home']);
    expect(result.output?.steps[0]).toMatchObject({ status: 'done', summary: 'looked' });
    const stepRequest = engine.requests.find((r) => stepOf(r) === 's1');
    expect(stepRequest?.tools?.map((t) => t.name)).toEqual(['screenshot']);
    expect(stepRequest?.responseFormat).toBeUndefined();
  });

  it('streams the plan and the answer as token events, each before the event it produced', async () => {
    const plan = { steps: [{ id: 's1', task: 'look', dependsOn: [] }] };
    const answer = { answer: 'seen', citedSteps: ['s1'] };
    const engine = new ScriptedEngine((request): ScriptedReply => {
      if (request.responseFormat?.name === 'plan') return { json: plan };
      if (request.responseFormat?.name === 'answer') return { json: answer };
      return {
        json: { action: 'final_answer', answer: { result: 'looked', succeeded: true, newFacts: false } },
      };
    });
    const events: RunEvent[] = [];
    await definePlanner({ name: 'streamer' }).run(
      { goal: 'look' },
      { engine, checkpointer: 'memory', onEvent: (event) => events.push(event) },
    );
    const own = events.filter((event) => event.type === 'token' && event.source === 'streamer');
    // The scripted engine streams each reply in two deltas: plan, then answer.
    expect(own.map((event) => (event.type === 'token' ? event.text : '')).join('')).toBe(
      JSON.stringify(plan) + JSON.stringify(answer),
    );
    expect(own).toHaveLength(4);
    const planAt = events.findIndex((event) => event.type === 'plan');
    expect(events.indexOf(own[1] as RunEvent)).toBeLessThan(planAt);
    expect(events.indexOf(own[2] as RunEvent)).toBeGreaterThan(planAt);
  });

  it('decodes the plan under a schema whose ids and dependencies come from a fixed list', async () => {
    const engine = dagModel();
    const planner = definePlanner({
      name: 'p',
      tools: [screenshotTool([], { now: 0, max: 0 })],
      maxPlanSteps: 3,
    });
    await planner.run({ goal: 'x' }, { engine, checkpointer: 'memory' });
    const schema = JSON.stringify(engine.requests[0]?.responseFormat?.schema);
    expect(schema).toContain('"id":{"enum":["s1","s2","s3"]}');
    expect(schema).toContain('"maxItems":3');
  });

  it('replans after a failed step, keeps finished steps, and stops replanning at the bound', async () => {
    let plans = 0;
    const engine = new ScriptedEngine((request): ScriptedReply => {
      const format = request.responseFormat?.name;
      if (format === 'plan') {
        plans++;
        return plans === 1
          ? {
              json: {
                steps: [
                  { id: 's1', task: 'fetch data', dependsOn: [] },
                  { id: 's2', task: 'try the flaky mirror', dependsOn: [] },
                ],
              },
            }
          : { json: { steps: [{ id: `s${plans + 1}`, task: `retry ${plans}`, dependsOn: ['s1'] }] } };
      }
      if (format === 'answer') return { json: { answer: 'partial', citedSteps: ['s1'] } };
      const step = stepOf(request);
      const ok = step === 's1';
      return {
        json: {
          action: 'final_answer',
          answer: { result: ok ? 'data' : 'mirror down', succeeded: ok, newFacts: false },
        },
      };
    });
    const planner = definePlanner({ name: 'r', maxReplans: 2 });
    const events: RunEvent[] = [];
    const result = await planner.run(
      { goal: 'get data' },
      { engine, checkpointer: 'memory', onEvent: (e) => events.push(e) },
    );
    expect(plans).toBe(3);
    expect(result.output?.replans).toBe(2);
    expect(events.filter((e) => e.type === 'plan').map((e) => e.type === 'plan' && e.revision)).toEqual([
      1, 2, 3,
    ]);
    // s1 ran once and stayed in every plan; the failed step was replaced by the replans' steps.
    expect(engine.requests.filter((r) => stepOf(r) === 's1')).toHaveLength(1);
    expect(result.output?.plan.steps.map((s) => s.id)).toEqual(['s1', 's4']);
    expect(result.output?.steps.map((s) => [s.id, s.status])).toEqual([
      ['s1', 'done'],
      ['s4', 'failed'],
    ]);
    const replanPrompt = JSON.stringify(
      engine.requests.filter((r) => r.responseFormat?.name === 'plan')[1]?.messages,
    );
    expect(replanPrompt).toContain('[s2] failed: try the flaky mirror -> mirror down');
    expect(result.output?.citedSteps).toEqual(['s1']);
  });

  it('replans once when a finished step reports new facts', async () => {
    const engine = new ScriptedEngine((request): ScriptedReply => {
      const format = request.responseFormat?.name;
      if (format === 'plan') {
        const replanning = JSON.stringify(request.messages).includes('These need a new plan: s1');
        return replanning
          ? { json: { steps: [{ id: 's3', task: 'check the new mirror', dependsOn: ['s1'] }] } }
          : {
              json: {
                steps: [
                  { id: 's1', task: 'find the mirror', dependsOn: [] },
                  { id: 's2', task: 'use the old mirror', dependsOn: ['s1'] },
                ],
              },
            };
      }
      if (format === 'answer') return { json: { answer: 'done', citedSteps: ['s1', 's3'] } };
      const step = stepOf(request);
      return {
        json: {
          action: 'final_answer',
          answer: { result: `${step} ok`, succeeded: true, newFacts: step === 's1' },
        },
      };
    });
    const result = await definePlanner({ name: 'facts' }).run(
      { goal: 'sync' },
      { engine, checkpointer: 'memory' },
    );
    expect(result.output?.replans).toBe(1);
    // s2 was planned on old assumptions and replaced before it ran; s1 was kept and not re-run.
    expect(result.output?.steps.map((s) => s.id)).toEqual(['s1', 's3']);
    expect(engine.requests.some((r) => stepOf(r) === 's2')).toBe(false);
    expect(result.output?.citedSteps).toEqual(['s1', 's3']);
  });

  it('pauses the whole run when a step wants a tool that needs approval', async () => {
    const ran: string[] = [];
    const shell: ToolDefinition = {
      name: 'shell',
      description: 'Runs a command',
      input: z.object({ command: z.string() }),
      requiresApproval: true,
      run: ({ command }: { command: string }) => {
        ran.push(command);
        return 'ok';
      },
    };
    const model = () =>
      new ScriptedEngine((request): ScriptedReply => {
        if (request.responseFormat?.name === 'plan')
          return { json: { steps: [{ id: 's1', task: 'clean up', dependsOn: [] }] } };
        if (request.responseFormat?.name === 'answer')
          return { json: { answer: 'cleaned', citedSteps: ['s1'] } };
        const done = request.messages.some((m) => JSON.stringify(m.content).includes('Result of shell'));
        return done
          ? {
              json: {
                action: 'final_answer',
                answer: { result: 'removed tmp', succeeded: true, newFacts: false },
              },
            }
          : { json: { action: 'call_tool', tool: 'shell', args: { command: 'rm -rf ./tmp' } } };
      });
    const store = join(mkdtempSync(join(tmpdir(), 'hearth-planner-')), 'c.sqlite');
    const planner = definePlanner({ name: 'cleaner', tools: [shell] });
    const paused = await planner.run({ goal: 'clean up' }, { engine: model(), checkpointer: store });
    expect(paused.status).toBe('paused');
    expect(paused.pendingApprovals[0]?.calls[0]?.args).toEqual({ command: 'rm -rf ./tmp' });
    expect(ran).toEqual([]);
    const done = await planner.resume(
      paused.threadId,
      { approve: true },
      { engine: model(), checkpointer: store },
    );
    expect(ran).toEqual(['rm -rf ./tmp']);
    expect(done.output).toMatchObject({ answer: 'cleaned', citedSteps: ['s1'] });
  });
});
