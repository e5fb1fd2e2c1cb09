import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeMediaFixtures } from '@hearth/testkit';
import type { ReceivedSpan } from '@hearth/tracing';
import { type OtlpReceiver, startOtlpReceiver } from '@hearth/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHearth } from './test-support/hearth-binary.js';

const workflow = fileURLToPath(new URL('./test-support/approval-workflow.ts', import.meta.url));

let home: string;
let workdir: string;
let png: string;
let receiver: OtlpReceiver;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hearth-trace-home-'));
  workdir = mkdtempSync(join(tmpdir(), 'hearth-trace-work-'));
  png = (await makeMediaFixtures()).screenshotPng;
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

const spansOf = (runId: string): ReceivedSpan[] => {
  const root = receiver.spans.filter((span) => span.attributes['hearth.run.id'] === runId);
  const traces = new Set(root.map((span) => span.traceId));
  return receiver.spans.filter((span) => traces.has(span.traceId));
};

describe('hearth run with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('sends GenAI spans of a real run on the tiny model to the endpoint, then of its approved resume', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const first = await runHearth(
      [
        'run',
        workflow,
        '--model',
        'tiny',
        '--image',
        png,
        '--json',
        '--thread',
        'traced',
        '--workdir',
        workdir,
      ],
      { home, env },
    );
    expect(first.code, first.stderr).toBe(4);
    expect(first.stderr).not.toMatch(/tracing/);

    const paused = spansOf('traced');
    const root = paused.find((span) => span.name === 'invoke_workflow approval-demo');
    expect(root?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': 'approval-demo',
      'gen_ai.conversation.id': 'traced',
      'hearth.run.status': 'paused',
      'hearth.run.pending_approvals': 1,
    });
    expect(root?.events.map((event) => event.name)).toContain('approval-required');
    const describeNode = paused.find((span) => span.name === 'describe');
    expect(describeNode?.parentSpanId).toBe(root?.spanId);
    expect(describeNode?.attributes).toMatchObject({ 'gen_ai.agent.name': 'describer' });
    // The agent's model turns: real llama.cpp usage, under the agent's model node.
    const chats = paused.filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
    expect(chats.length).toBeGreaterThan(0);
    const modelNodes = new Set(paused.filter((span) => span.name === 'model').map((span) => span.spanId));
    for (const chat of chats) {
      expect(modelNodes.has(chat.parentSpanId ?? '')).toBe(true);
      expect(chat.attributes).toMatchObject({
        'gen_ai.request.model': 'tiny',
        'gen_ai.provider.name': 'llama.cpp',
      });
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.response.finish_reasons']).toHaveLength(1);
      // The image and the prompt stay out of spans without HEARTH_TRACE_CONTENT=1.
      expect(chat.attributes['gen_ai.input.messages']).toBeUndefined();
    }

    const second = await runHearth(['run', '--resume', 'traced', '--approve', '--json'], { home, env });
    expect(second.code, second.stderr).toBe(0);
    const resumed = spansOf('traced').filter((span) => span.traceId !== root?.traceId);
    expect(resumed.find((span) => span.parentSpanId === undefined)?.attributes).toMatchObject({
      'hearth.run.status': 'done',
      'hearth.run.resumed': true,
    });
    const tool = resumed.find((span) => span.name === 'execute_tool append_note');
    expect(tool?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'append_note',
      'gen_ai.tool.call.id': 'save',
    });
    expect(tool?.parentSpanId).toBe(resumed.find((span) => span.name === 'save')?.spanId);
    // Every span reached the endpoint as OTLP/HTTP JSON.
    expect(receiver.requests.every((request) => request.contentType.startsWith('application/json'))).toBe(
      true,
    );
  });
});
