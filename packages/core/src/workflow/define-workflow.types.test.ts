// Type test: `npm run lint` typechecks this file (`tsc --noEmit` over src). Each `@ts-expect-error`
// must meet a compile error, so if the builder stops rejecting a misspelt node name, tsc fails on the
// now-unused directive. The same definitions also run here, for the checks JavaScript callers get.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineAgent } from '../agent/define-agent.js';
import { WorkflowDefinitionError } from '../errors/workflow-definition-error.js';
import type { ToolOutcome } from '../tool-runner.js';
import { defineWorkflow, END, fanOut, START } from './define-workflow.js';

const findingsSchema = z.object({ cause: z.string(), severity: z.enum(['low', 'high']) });
const analyst = defineAgent({ name: 'analyst', instructions: 'Find the cause.', output: findingsSchema });
const shout = defineWorkflow({
  name: 'shout',
  description: 'upper-cases text',
  state: z.object({ text: z.string() }),
  nodes: { upper: { run: (state) => ({ text: state.text.toUpperCase() }) } },
  edges: [
    { from: START, to: 'upper' },
    { from: 'upper', to: END },
  ],
  output: (state) => ({ loud: state.text, length: state.text.length }),
});
const state = z.object({
  note: z.string(),
  cause: z.string().default(''),
  loud: z.string().default(''),
  written: z.boolean().default(false),
});

describe('defineWorkflow types', () => {
  it('rejects an edge to a node that is not defined', () => {
    const define = () =>
      defineWorkflow({
        name: 'misspelt',
        description: 'an edge names a node that does not exist',
        state,
        nodes: { analyze: { run: () => ({}) }, write: { run: () => ({}) } },
        edges: [
          { from: START, to: 'analyze' },
          // @ts-expect-error 'wirte' is not a node of this workflow
          { from: 'analyze', to: 'wirte' },
          { from: 'write', to: END },
        ],
      });
    expect(define).toThrow(WorkflowDefinitionError);
  });

  it('rejects a misspelt node in a router, its targets and a fan-out', () => {
    const define = () =>
      defineWorkflow({
        name: 'misrouted',
        description: 'a router names a node that does not exist',
        state,
        nodes: { analyze: { run: () => ({}) } },
        edges: [
          // @ts-expect-error 'analyse' is not a node of this workflow
          { from: START, route: () => 'analyse', targets: ['analyze'] },
          // @ts-expect-error a fan-out to 'analyse', which is not a node of this workflow
          { from: 'analyze', route: () => [fanOut('analyse', {})], targets: [END] },
          // @ts-expect-error 'analyse' in targets is not a node of this workflow
          { from: 'analyze', route: () => END, targets: ['analyse'] },
        ],
      });
    expect(define).toThrow(WorkflowDefinitionError);
  });

  it("hands an agent's, a sub-workflow's and a tool's typed result to the state mapping", () => {
    const workflow = defineWorkflow({
      name: 'typed-results',
      description: 'result types flow into output callbacks without annotations',
      state,
      nodes: {
        analyze: {
          target: analyst,
          input: (current) => ({ prompt: current.note }),
          output: (result) => {
            expectTypeOf(result.answer).toEqualTypeOf<z.infer<typeof findingsSchema> | null>();
            return { cause: result.answer?.cause ?? '' };
          },
        },
        amplify: {
          target: shout,
          // @ts-expect-error the sub-workflow's input needs `text`
          input: (current) => ({ txt: current.cause }),
          output: (result) => {
            expectTypeOf(result).toEqualTypeOf<{ loud: string; length: number }>();
            return { loud: result.loud };
          },
        },
        write: {
          tool: 'fs_write',
          args: (current) => ({ path: 'cause.txt', content: current.loud }),
          output: (outcome) => {
            expectTypeOf(outcome).toEqualTypeOf<ToolOutcome>();
            return { written: !outcome.isError };
          },
        },
      },
      edges: [
        { from: START, to: 'analyze' },
        { from: 'analyze', to: 'amplify' },
        { from: 'amplify', to: 'write' },
        { from: 'write', to: END },
      ],
    });
    expect(workflow.kind).toBe('workflow');
  });
});
