import type { SamplingOptions } from '@hearth/engine';
import {
  END,
  isGraphBubbleUp,
  type LangGraphRunnableConfig,
  ReducedValue,
  Send,
  START,
  StateGraph,
  StateSchema,
} from '@langchain/langgraph';
import { z } from 'zod';
import { type AgentMode, type AgentOutput, defineAgent, type ToolLogEntry } from '../agent/define-agent.js';
import { toolSourceEffects } from '../approvals/effects.js';
import { WorkflowDefinitionError } from '../errors/workflow-definition-error.js';
import { emit } from '../events.js';
import { generateObject } from '../generate-object.js';
import { type Attachment, attachmentSchema } from '../media.js';
import { engineOf, environmentOf, type ToolSource, toolsForRun } from '../runtime.js';
import { RunTarget } from '../workflow/run-target.js';
import { answerSchema, freshStepIds, type Plan, type PlanStep, planSchema, repairPlan } from './plan.js';

export interface PlannerDefinition {
  name: string;
  description?: string;
  /** Extra guidance for every model call (what the plans are for). */
  instructions?: string;
  model?: string;
  /** Tools the steps may use. */
  tools?: ToolSource;
  /** How each step's agent calls tools (default `constrained`). */
  mode?: AgentMode;
  /** Most steps in one plan (default 5). */
  maxPlanSteps?: number;
  /** Replans allowed after failures or new facts (default 2). */
  maxReplans?: number;
  /** Model turns per step (default 4). */
  stepMaxSteps?: number;
  /** Steps run at once when they do not depend on each other (default 3). */
  maxParallel?: number;
  toolTimeoutMs?: number;
  sampling?: SamplingOptions;
}

/** A planner's input: the goal and its attachments (screenshots, audio), which every model call sees as media. */
export const plannerInputSchema = z.object({
  goal: z.string().min(1, 'goal must not be empty'),
  attachments: z.array(attachmentSchema).default([]),
});
export type PlannerInput = z.input<typeof plannerInputSchema>;

/** What one plan step produced. */
export interface StepResult {
  id: string;
  task: string;
  status: 'done' | 'failed';
  summary: string;
  /** The step's agent reported something that changes the plan. */
  newFacts: boolean;
  toolCalls: ToolLogEntry[];
  /** Images/audio its tools returned; later steps, replans and the answer see them as media. */
  observations: Attachment[];
}

export interface PlannerOutput {
  answer: string;
  /** Ids of the finished steps the answer is based on. */
  citedSteps: string[];
  plan: Plan;
  steps: StepResult[];
  replans: number;
}

const stepAnswerSchema = z.object({
  result: z.string().describe('what this step found or did'),
  succeeded: z.boolean().describe('false when the step could not be done'),
  newFacts: z.boolean().describe('true when the result should change the rest of the plan'),
});

const plannerState = new StateSchema({
  goal: z.string(),
  attachments: z.array(attachmentSchema).default(() => []),
  currentPlan: z.object({ steps: z.array(z.custom<PlanStep>()) }).default(() => ({ steps: [] })),
  revision: z.number().default(0),
  results: new ReducedValue(
    z.record(z.string(), z.custom<StepResult>()).default(() => ({})),
    {
      reducer: (current: Record<string, StepResult>, next: Record<string, StepResult>) => ({
        ...current,
        ...next,
      }),
    },
  ),
  /** Step ids whose failure or new facts were already answered by a replan (or could not be). */
  reviewed: new ReducedValue(
    z.array(z.string()).default(() => []),
    {
      reducer: (current: string[], next: string[]) => [...new Set([...current, ...next])],
    },
  ),
  replans: z.number().default(0),
  finalAnswer: z.string().optional(),
  citedSteps: z.array(z.string()).default(() => []),
});
type PlannerState = typeof plannerState.State;

/** What a `step` task receives through `Send` (a step runs with its own input, not the whole state). */
interface StepTask {
  step: PlanStep;
  goal: string;
  attachments: Attachment[];
  context: string;
}

/** The newest media across results, so prompts stay small: the model sees the latest screenshots. */
function latestObservations(results: readonly StepResult[], limit = 2): Attachment[] {
  return results.flatMap((result) => result.observations).slice(-limit);
}

function describeResults(results: readonly StepResult[]): string {
  if (results.length === 0) return 'No steps have run yet.';
  return results.map((r) => `[${r.id}] ${r.status}: ${r.task} -> ${r.summary}`).join('\n');
}

/**
 * Defines a plan-and-execute planner: goal + attachments -> a plan (a DAG of steps decoded under a
 * JSON schema) -> independent steps run in parallel as agent turns with tools -> observations (tool
 * screenshots included, as images) -> a bounded replan after failures or new facts -> a final answer
 * that cites the steps it used. Attachments reach the model as media parts at every stage.
 */
export function definePlanner(definition: PlannerDefinition): RunTarget<PlannerInput, PlannerOutput> {
  const maxPlanSteps = definition.maxPlanSteps ?? 5;
  const maxReplans = definition.maxReplans ?? 2;
  const maxParallel = definition.maxParallel ?? 3;
  if (!Number.isInteger(maxPlanSteps) || maxPlanSteps < 1)
    throw new WorkflowDefinitionError(
      `planner "${definition.name}": maxPlanSteps must be a positive integer`,
    );
  const sampling = definition.sampling ?? { greedy: true };
  const guidance = definition.instructions ? `${definition.instructions}\n\n` : '';
  const name = definition.name;

  const stepAgent = defineAgent({
    name: `${name}-step`,
    instructions: `${guidance}You carry out one step of a larger plan. Use the tools when they help, then give the step's result.`,
    tools: definition.tools,
    mode: definition.mode ?? 'constrained',
    output: stepAnswerSchema,
    maxSteps: definition.stepMaxSteps ?? 4,
    sampling,
    ...(definition.toolTimeoutMs ? { toolTimeoutMs: definition.toolTimeoutMs } : {}),
  });

  const toolList = (config: LangGraphRunnableConfig): string => {
    const tools = toolsForRun(definition.tools, environmentOf(config), `planner "${name}"`).list();
    return tools.length === 0 ? 'none' : tools.map((tool) => `${tool.name} (${tool.description})`).join('; ');
  };

  /** New steps: ids unused so far (`used`); dependencies only on each other or on `finished` steps. */
  const decodePlan = async (
    state: PlannerState,
    config: LangGraphRunnableConfig,
    prompt: string,
    ids: { used: string[]; finished: string[] },
    media: Attachment[],
  ): Promise<PlanStep[]> => {
    const { object } = await generateObject({
      engine: engineOf(config, name),
      schema: planSchema(freshStepIds(ids.used, maxPlanSteps), ids.finished),
      name: 'plan',
      system: `${guidance}You plan. Split the goal into short steps; a step may depend on earlier steps. Reply with JSON only.`,
      prompt,
      attachments: [...state.attachments, ...media],
      // An unusable plan becomes one step that is the goal itself (repairPlan).
      fallback: { steps: [] },
      sampling,
      onToken: (text) => emit(config, { type: 'token', source: name, text }),
      ...(config.signal ? { signal: config.signal } : {}),
    });
    return repairPlan(object.steps, state.goal, ids);
  };

  const plan = async (state: PlannerState, config: LangGraphRunnableConfig) => {
    const steps = await decodePlan(
      state,
      config,
      `Goal: ${state.goal}\nTools the steps can use: ${toolList(config)}`,
      { used: [], finished: [] },
      [],
    );
    emit(config, { type: 'plan', plan: { steps }, revision: 1 });
    return { currentPlan: { steps }, revision: 1 };
  };

  const unreviewed = (state: PlannerState): StepResult[] =>
    Object.values(state.results).filter(
      (result) => (result.status === 'failed' || result.newFacts) && !state.reviewed.includes(result.id),
    );

  const route = (state: PlannerState): string | Send[] => {
    const triggers = unreviewed(state);
    if (triggers.length > 0 && state.replans < maxReplans) return 'replan';
    const done = (id: string) => state.results[id]?.status === 'done';
    const ready = state.currentPlan.steps.filter(
      (step) => !state.results[step.id] && step.dependsOn.every(done),
    );
    if (ready.length === 0) return 'answer';
    const results = Object.values(state.results);
    return ready.slice(0, maxParallel).map((step) => {
      const dependencies = step.dependsOn.map((id) => state.results[id]).filter((r): r is StepResult => !!r);
      const task: StepTask = {
        step,
        goal: state.goal,
        attachments: [
          ...state.attachments,
          ...latestObservations(dependencies.length > 0 ? dependencies : results),
        ],
        context: describeResults(dependencies),
      };
      return new Send('step', task);
    });
  };

  const runStep = async (task: StepTask, config: LangGraphRunnableConfig) => {
    const prompt = `Overall goal: ${task.goal}\nYour step [${task.step.id}]: ${task.step.task}\nResults of the steps it depends on:\n${task.context}`;
    let output: AgentOutput<z.infer<typeof stepAnswerSchema>>;
    try {
      output = await stepAgent.invokeNested({ prompt, attachments: task.attachments }, config);
    } catch (error) {
      // Pauses for approval must reach LangGraph; every other failure is a failed step to replan around.
      if (isGraphBubbleUp(error)) throw error;
      return {
        results: { [task.step.id]: failedStep(task.step, `step crashed: ${(error as Error).message}`) },
      };
    }
    const answer = output.answer;
    const result: StepResult = {
      id: task.step.id,
      task: task.step.task,
      status: answer?.succeeded ? 'done' : 'failed',
      summary: answer ? answer.result : `no answer after ${output.steps} model turns`,
      newFacts: answer?.newFacts ?? false,
      toolCalls: output.toolCalls,
      observations: output.observations,
    };
    return { results: { [task.step.id]: result } };
  };

  const replan = async (state: PlannerState, config: LangGraphRunnableConfig) => {
    const triggers = unreviewed(state);
    const results = Object.values(state.results);
    const finished = results.filter((result) => result.status === 'done').map((result) => result.id);
    const prompt =
      `Goal: ${state.goal}\nTools: ${toolList(config)}\nCurrent plan:\n${state.currentPlan.steps.map((s) => `[${s.id}] ${s.task}`).join('\n')}\n` +
      `Results so far:\n${describeResults(results)}\nThese need a new plan: ${triggers.map((t) => t.id).join(', ')}.\n` +
      `Plan only the remaining work; new steps may depend on finished steps (${finished.join(', ') || 'none'}).`;
    const newSteps = await decodePlan(
      state,
      config,
      prompt,
      { used: state.currentPlan.steps.map((step) => step.id), finished },
      latestObservations(results),
    );
    // Finished steps stay in the plan and are never run again; unfinished old steps are replaced.
    const steps = [...state.currentPlan.steps.filter((step) => finished.includes(step.id)), ...newSteps];
    const revision = state.revision + 1;
    emit(config, { type: 'plan', plan: { steps }, revision });
    return {
      currentPlan: { steps },
      revision,
      replans: state.replans + 1,
      reviewed: triggers.map((t) => t.id),
    };
  };

  const answer = async (state: PlannerState, config: LangGraphRunnableConfig) => {
    const results = Object.values(state.results);
    const done = results.filter((result) => result.status === 'done').map((result) => result.id);
    const citable = done.length > 0 ? done : results.map((result) => result.id);
    const { object } = await generateObject({
      engine: engineOf(config, name),
      schema: answerSchema(citable),
      name: 'answer',
      system: `${guidance}Answer the goal from the step results. Cite the step ids you used. Reply with JSON only.`,
      prompt: `Goal: ${state.goal}\nStep results:\n${describeResults(results)}`,
      attachments: [...state.attachments, ...latestObservations(results)],
      // An unusable reply: answer with the step results themselves, citing all of them.
      fallback: { answer: describeResults(results), citedSteps: citable },
      sampling,
      onToken: (text) => emit(config, { type: 'token', source: name, text }),
      ...(config.signal ? { signal: config.signal } : {}),
    });
    return {
      finalAnswer: object.answer,
      citedSteps: [...new Set(object.citedSteps)].filter((id) => citable.includes(id)),
    };
  };

  const builder = new StateGraph(plannerState)
    .addNode('plan', plan)
    .addNode('dispatch', () => ({}))
    .addNode('step', runStep as never)
    .addNode('replan', replan)
    .addNode('answer', answer)
    .addEdge(START, 'plan')
    .addEdge('plan', 'dispatch')
    .addConditionalEdges('dispatch', route, ['replan', 'answer', 'step'])
    .addEdge('step', 'dispatch')
    .addEdge('replan', 'dispatch')
    .addEdge('answer', END);

  return new RunTarget<PlannerInput, PlannerOutput>({
    kind: 'planner',
    effects: () => toolSourceEffects(definition.tools),
    name,
    description: definition.description ?? `Plans and carries out a goal with tools (${name})`,
    ...(definition.model ? { model: definition.model } : {}),
    input: plannerInputSchema as z.ZodType<unknown, PlannerInput>,
    builder,
    toState: (parsed) => parsed as Record<string, unknown>,
    fromState: (values) => {
      const state = values as unknown as PlannerState;
      return {
        answer: state.finalAnswer ?? '',
        citedSteps: state.citedSteps,
        plan: state.currentPlan,
        steps: state.currentPlan.steps
          .map((step) => state.results[step.id])
          .filter((r): r is StepResult => !!r),
        replans: state.replans,
      };
    },
  });
}

function failedStep(step: PlanStep, summary: string): StepResult {
  return {
    id: step.id,
    task: step.task,
    status: 'failed',
    summary,
    newFacts: false,
    toolCalls: [],
    observations: [],
  };
}
