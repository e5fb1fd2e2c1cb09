import { createServer } from 'node:net';
import type { Engine, GenerateResult, RunEvent } from '@hearth/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from './otlp-json.js';
import { type OtlpReceiver, startOtlpReceiver } from './testing/index.js';
import { startTracing } from './tracing.js';

const reply: GenerateResult = {
  text: '',
  toolCalls: [{ id: 'call-1', name: 'read_file', args: { path: 'secret-notes.txt' } }],
  finishReason: 'tool_calls',
  usage: { promptTokens: 42, completionTokens: 7 },
  timings: { prefillMs: 3, decodeMs: 5, prefillTokensPerSecond: 14_000, decodeTokensPerSecond: 1400 },
  mtp: { used: true, drafted: 6, accepted: 4, acceptanceRate: 4 / 6 },
  model: 'tiny',
};

/** A scripted engine: one streamed reply (control flow only; the CLI test runs the real model). */
const scriptedEngine: Engine = {
  info: {
    engine: 'llama-node',
    model: 'tiny',
    contextSize: 4096,
    capabilities: { image: true, audio: true, tools: true, jsonSchema: true, thinking: false, mtp: true },
  },
  generate: async () => reply,
  async *stream() {
    yield { type: 'text', text: 'hmm' };
    yield { type: 'done', result: reply };
  },
  close: async () => {},
};

/** One workflow node ("triage") running a nested agent: a model turn, then its tool call (events carry
 * the nested graph's path, as LangGraph reports them, not the inner node's). */
async function tracedRun(env: Record<string, string>) {
  const tracing = startTracing({ env });
  if (!tracing) throw new Error('tracing should start: an endpoint is set');
  const run = tracing.startRun({
    runId: 'run-1',
    target: 'bug-report',
    targetKind: 'workflow',
    model: 'tiny',
  });
  const engine = run.traceEngine(scriptedEngine);
  const events: RunEvent[] = [
    { type: 'node-start', node: 'triage', path: [] },
    { type: 'node-start', node: 'model', path: ['triage'] },
  ];
  for (const event of events) run.onEvent(event);
  for await (const delta of engine.stream({
    messages: [
      { role: 'system', content: 'You triage bugs.' },
      { role: 'user', content: [{ type: 'text', text: 'the save button is gone' }] },
    ],
    sampling: { greedy: true },
    maxTokens: 64,
  }))
    if (delta.type === 'text')
      run.onEvent({ type: 'token', source: 'triager', text: delta.text, path: ['triage'] });
  const rest: RunEvent[] = [
    { type: 'agent-step', agent: 'triager', step: 1, action: 'tool-calls', path: ['triage'] },
    { type: 'node-end', node: 'model', path: ['triage'] },
    { type: 'node-start', node: 'tools', path: ['triage'] },
    {
      type: 'tool-call',
      source: 'triager',
      callId: 'call-1',
      tool: 'read_file',
      args: { path: 'secret-notes.txt' },
      path: ['triage'],
    },
    {
      type: 'tool-result',
      source: 'triager',
      callId: 'call-1',
      tool: 'read_file',
      isError: false,
      summary: 'the launch code is 1234',
      media: 0,
      path: ['triage'],
    },
    { type: 'node-end', node: 'tools', path: ['triage'] },
    { type: 'node-end', node: 'triage', path: [] },
  ];
  for (const event of rest) run.onEvent(event);
  run.end({ status: 'done' });
  return { traceId: run.traceId, unsent: await tracing.shutdown() };
}

const byName = (spans: ReceivedSpan[], name: string) => {
  const span = spans.find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span "${name}" in ${spans.map((s) => s.name).join(', ')}`);
  return span;
};

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe('run traces over OTLP/HTTP', () => {
  it('sends run, node, model-call and tool-call spans with the GenAI attributes, nested as the run was', async () => {
    const before = receiver.spans.length;
    const { traceId, unsent } = await tracedRun({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(unsent).toBeUndefined();
    const spans = receiver.spans.slice(before).filter((span) => span.traceId === traceId);
    expect(spans.map((span) => span.name).sort()).toEqual(
      [
        'chat tiny',
        'execute_tool read_file',
        'invoke_workflow bug-report',
        'model',
        'tools',
        'triage',
      ].sort(),
    );
    const root = byName(spans, 'invoke_workflow bug-report');
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'bug-report',
      'gen_ai.conversation.id': 'run-1',
      'hearth.run.status': 'done',
    });
    const triage = byName(spans, 'triage');
    expect(triage.parentSpanId).toBe(root.spanId);
    // The node whose inner nodes are an agent's turns is that agent's invocation.
    expect(triage.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'triager',
    });
    const model = byName(spans, 'model');
    expect(model.parentSpanId).toBe(triage.spanId);
    const chat = byName(spans, 'chat tiny');
    expect(chat.parentSpanId).toBe(model.spanId);
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'llama.cpp',
      'gen_ai.request.model': 'tiny',
      'gen_ai.response.model': 'tiny',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0,
      'gen_ai.usage.input_tokens': 42,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'hearth.mtp.drafted': 6,
      'hearth.mtp.accepted': 4,
    });
    expect(chat.startMs).toBeLessThanOrEqual(chat.endMs);
    const tool = byName(spans, 'execute_tool read_file');
    expect(tool.parentSpanId).toBe(byName(spans, 'tools').spanId);
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'read_file',
      'gen_ai.tool.call.id': 'call-1',
    });
    // Without the opt-in no prompt, reply, argument or result text leaves the process.
    const everything = JSON.stringify(spans);
    for (const secret of ['save button', 'You triage', 'secret-notes', 'launch code'])
      expect(everything).not.toContain(secret);
  });

  it('puts prompts, replies, arguments and results in spans only with HEARTH_TRACE_CONTENT=1', async () => {
    const before = receiver.spans.length;
    const { traceId } = await tracedRun({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      HEARTH_TRACE_CONTENT: '1',
    });
    const spans = receiver.spans.slice(before).filter((span) => span.traceId === traceId);
    const chat = byName(spans, 'chat tiny');
    expect(JSON.parse(String(chat.attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: 'You triage bugs.' },
    ]);
    expect(JSON.parse(String(chat.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'the save button is gone' }] },
    ]);
    expect(JSON.parse(String(chat.attributes['gen_ai.output.messages']))[0]).toMatchObject({
      role: 'assistant',
      finish_reason: 'tool_calls',
      parts: [
        { type: 'tool_call', id: 'call-1', name: 'read_file', arguments: { path: 'secret-notes.txt' } },
      ],
    });
    const tool = byName(spans, 'execute_tool read_file');
    expect(tool.attributes['gen_ai.tool.call.arguments']).toBe('{"path":"secret-notes.txt"}');
    expect(tool.attributes['gen_ai.tool.call.result']).toBe('the launch code is 1234');
  });

  it('marks a failed model call, node and run as errors, with the error code as error.type', async () => {
    const before = receiver.spans.length;
    const tracing = startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    const run = tracing?.startRun({ runId: 'run-2', target: 'helper', targetKind: 'agent', model: 'tiny' });
    if (!tracing || !run) throw new Error('tracing should start: an endpoint is set');
    const crash = Object.assign(new Error('the model process died'), { code: 'MODEL_CRASHED' });
    const failing = run.traceEngine({ ...scriptedEngine, generate: async () => Promise.reject(crash) });
    run.onEvent({ type: 'node-start', node: 'model', path: [] });
    await expect(failing.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toBe(crash);
    run.onEvent({ type: 'node-end', node: 'model', path: [], error: 'the model process died' });
    run.end({ status: 'failed', error: crash });
    await tracing.shutdown();
    const spans = receiver.spans.slice(before).filter((span) => span.traceId === run.traceId);
    const root = byName(spans, 'invoke_agent helper');
    expect(root.attributes).toMatchObject({
      'gen_ai.agent.name': 'helper',
      'hearth.run.status': 'failed',
      'error.type': 'MODEL_CRASHED',
    });
    expect(root.status).toEqual({ code: 'error', message: 'the model process died' });
    const node = byName(spans, 'model');
    expect(node.status.code).toBe('error');
    const chat = byName(spans, 'chat tiny');
    expect(chat.parentSpanId).toBe(node.spanId);
    expect(chat.attributes['error.type']).toBe('MODEL_CRASHED');
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it('sends nothing and costs nothing without an endpoint', () => {
    expect(startTracing({ env: {} })).toBeUndefined();
    expect(
      startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' } }),
    ).toBeUndefined();
  });

  it('says so, without failing, when the endpoint cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const { unsent } = await tracedRun({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}` });
    expect(unsent).toMatch(new RegExp(`could not send spans to http://127.0.0.1:${closedPort}/v1/traces`));
  });
});
