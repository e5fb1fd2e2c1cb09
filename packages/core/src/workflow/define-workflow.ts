import {
  END,
  interrupt,
  type LangGraphRunnableConfig,
  ReducedValue,
  Send,
  START,
  StateGraph,
  StateSchema,
} from '@langchain/langgraph';
import type { z } from 'zod';
import { WorkflowDefinitionError } from '../errors/workflow-definition-error.js';
import { emit, type NodeEvent } from '../events.js';
import { engineOf, environmentOf, type RunEnvironment, resolveTools, type ToolSource } from '../runtime.js';
import { callTool, type ToolOutcome, toolErrorOutcome } from '../tool-runner.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import { type ApprovalInterrupt, type ApprovalResume, RunTarget } from './run-target.js';

/** Where a graph starts and ends, for edges. */
export { END, START };

/** What a function node gets besides the state. */
export interface NodeContext {
  signal: AbortSignal | undefined;
  environment: RunEnvironment;
  /** The run's model (throws MissingEngineError when the run has none). */
  engine(): ReturnType<typeof engineOf>;
  /** Reports progress to whoever streams the run (tokens, plan updates...). */
  emit(event: NodeEvent): void;
  /**
   * Runs one of the workflow's tools by name, with its timeout, reported as events; its failures come
   * back as an error outcome. Tools that require approval must be called from a tool node instead.
   */
  callTool(name: string, args: unknown): Promise<ToolOutcome>;
  /** The LangGraph config, to run a subgraph or agent by hand (`runnable.invokeNested(input, ctx.config)`). */
  config: LangGraphRunnableConfig;
}

export interface NodePolicy {
  /** Attempts on error, LangGraph's retry policy (default 1: no retry). */
  retry?: { maxAttempts: number; initialIntervalMs?: number; backoffFactor?: number };
  /** Time limit of one attempt, in ms. */
  timeoutMs?: number;
}

type Update<S> = Partial<S>;

/** A node: a function, an agent or workflow (run as a subgraph), or a tool call. */
export type NodeSpec<S> = NodePolicy &
  (
    | { run: (state: S, context: NodeContext) => Promise<Update<S>> | Update<S> }
    | {
        /** An agent, a planner or another workflow; its steps are checkpointed inside this run. */
        runnable: RunTarget;
        input: (state: S) => unknown;
        output: (result: never, state: S) => Update<S>;
      }
    | {
        tool: string;
        args: (state: S) => unknown;
        output: (outcome: ToolOutcome, state: S) => Update<S>;
        /**
         * Pause for a human before running a tool that requires approval (default: the tool's own
         * `requiresApproval`). Set false when the workflow itself fixes the call's arguments and the
         * person started this workflow knowing it makes that call.
         */
        approval?: boolean;
      }
  );

/** Runs `node` with `input` as its state (a map step); routers return a list of these to fan out. */
export interface FanOut {
  node: string;
  input: Record<string, unknown>;
}
/**
 * One task of a fan-out: a router returning several of these runs `node` once per item, all in
 * parallel, each with `input` as its state (LangGraph's `Send`).
 */
export function fanOut(node: string, input: Record<string, unknown>): FanOut {
  return { node, input };
}

export type EdgeSpec<S> =
  /** Always go on to `to`; a list runs those nodes in parallel (they join at their common successor). */
  | { from: string; to: string | string[] }
  /** Decide at run time: a node name, END, several names (parallel), or FanOut items (one task each). */
  | { from: string; route: (state: S) => string | string[] | FanOut[]; targets: string[] };

export interface WorkflowDefinition<Shape extends z.ZodRawShape, InputSchema extends z.ZodType, Output> {
  name: string;
  description: string;
  model?: string;
  /** The typed state: one zod field per key; give defaults for what the input does not set. */
  state: z.ZodObject<Shape>;
  /** How parallel writes to a key combine (default: last write wins, and two parallel writes are an error). */
  reducers?: {
    [K in keyof Shape]?: (current: z.infer<Shape[K]>, update: z.infer<Shape[K]>) => z.infer<Shape[K]>;
  };
  /** Input schema; default the state schema. */
  input?: InputSchema;
  /** Maps the parsed input to the first state; default identity. */
  toState?: (input: z.output<InputSchema>) => Partial<z.infer<z.ZodObject<Shape>>>;
  /** What the run returns; default the final state. */
  output?: (state: z.infer<z.ZodObject<Shape>>) => Output;
  tools?: ToolSource;
  nodes: Record<string, NodeSpec<z.infer<z.ZodObject<Shape>>>>;
  edges: EdgeSpec<z.infer<z.ZodObject<Shape>>>[];
}

/**
 * Defines a workflow on LangGraph: typed (zod) state, nodes that are functions, agents, subgraphs or
 * tools, static and conditional edges, cycles, parallel fan-out, per-node retry and timeout. Every
 * step is checkpointed; runs stream events and resume by thread id.
 * @throws WorkflowDefinitionError when an edge names an unknown node or a node is malformed.
 */
export function defineWorkflow<
  Shape extends z.ZodRawShape,
  InputSchema extends z.ZodType = z.ZodObject<Shape>,
  Output = z.infer<z.ZodObject<Shape>>,
>(definition: WorkflowDefinition<Shape, InputSchema, Output>): RunTarget<z.input<InputSchema>, Output> {
  type Input = z.input<InputSchema>;
  type S = z.infer<z.ZodObject<Shape>>;
  const { name } = definition;
  const nodeNames = Object.keys(definition.nodes);
  const check = (node: string, where: string) => {
    if (node !== START && node !== END && !nodeNames.includes(node)) {
      throw new WorkflowDefinitionError(
        `workflow "${name}": ${where} names node "${node}", which is not defined; nodes: ${nodeNames.join(', ')}`,
      );
    }
  };
  for (const edge of definition.edges) {
    check(edge.from, 'an edge source');
    for (const target of 'to' in edge ? [edge.to].flat() : edge.targets)
      check(target, `an edge from "${edge.from}"`);
  }
  const stateKeys = Object.keys(definition.state.shape);
  const clash = nodeNames.find((node) => stateKeys.includes(node));
  if (clash) {
    throw new WorkflowDefinitionError(
      `workflow "${name}": "${clash}" is both a node and a state key; LangGraph needs distinct names, rename one`,
    );
  }
  if (!definition.edges.some((edge) => edge.from === START))
    throw new WorkflowDefinitionError(
      `workflow "${name}" has no edge from START; add { from: START, to: '<first node>' }`,
    );

  const fields: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(definition.state.shape)) {
    const reducer = definition.reducers?.[key as keyof Shape];
    fields[key] = reducer ? new ReducedValue(schema as z.ZodType, { reducer: reducer as never }) : schema;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the state's precise type lives in the zod shape above
  const builder: any = new StateGraph(new StateSchema(fields as never) as never);

  /** One tool call from a node, reported as tool-call / tool-result events. */
  const invokeTool = async (
    config: LangGraphRunnableConfig,
    tool: ToolDefinition,
    args: unknown,
    callId: string,
  ) => {
    emit(config, {
      type: 'tool-call',
      agent: name,
      callId,
      tool: tool.name,
      args: args as Record<string, unknown>,
    });
    const outcome = await callTool(tool, args, { signal: config.signal });
    emit(config, {
      type: 'tool-result',
      agent: name,
      callId,
      tool: tool.name,
      isError: outcome.isError,
      summary: outcome.text.slice(0, 500),
      media: outcome.media.length,
    });
    return outcome;
  };

  const contextFor = (config: LangGraphRunnableConfig, nodeName: string): NodeContext => {
    const environment = environmentOf(config);
    return {
      signal: config.signal,
      environment,
      engine: () => engineOf(config, name),
      emit: (event) => emit(config, event),
      callTool: async (toolName, args) => {
        const tool = toolNamed(definition.tools, environment, toolName, name);
        if (!tool) return toolErrorOutcome(`unknown tool "${toolName}"`);
        if (tool.requiresApproval) {
          // A pause inside a function node would re-run the whole node on resume; tool nodes pause cleanly.
          throw new WorkflowDefinitionError(
            `workflow "${name}": node "${nodeName}" calls "${toolName}", which requires approval; call it from a tool node ({ tool: '${toolName}', args, output })`,
          );
        }
        return invokeTool(config, tool, args, `${nodeName}:${toolName}`);
      },
      config,
    };
  };

  for (const [nodeName, spec] of Object.entries(definition.nodes)) {
    let run: (state: S, config: LangGraphRunnableConfig) => Promise<Update<S>>;
    if ('run' in spec) {
      run = async (state, config) => spec.run(state, contextFor(config, nodeName));
    } else if ('runnable' in spec) {
      if (!RunTarget.isRunTarget(spec.runnable))
        throw new WorkflowDefinitionError(
          `workflow "${name}": node "${nodeName}" needs an agent or workflow in "runnable"`,
        );
      run = async (state, config) =>
        spec.output((await spec.runnable.invokeNested(spec.input(state), config)) as never, state);
    } else if ('tool' in spec) {
      run = async (state, config) => {
        const environment = environmentOf(config);
        const tool = toolNamed(definition.tools, environment, spec.tool, name);
        if (!tool) {
          throw new WorkflowDefinitionError(
            `workflow "${name}": node "${nodeName}" calls tool "${spec.tool}", which the workflow's tools do not include`,
          );
        }
        const args = spec.args(state) as Record<string, unknown>;
        const call = { callId: nodeName, tool: tool.name, args };
        if (spec.approval ?? tool.requiresApproval) {
          const request: ApprovalInterrupt = { kind: 'approval', agent: name, calls: [call] };
          const decision = interrupt(request) as ApprovalResume;
          if (!decision.approved) return spec.output(toolErrorOutcome(`a human denied ${tool.name}`), state);
        }
        return spec.output(await invokeTool(config, tool, args, nodeName), state);
      };
    } else {
      throw new WorkflowDefinitionError(
        `workflow "${name}": node "${nodeName}" must have one of run, runnable or tool`,
      );
    }
    builder.addNode(nodeName, run, {
      ...(spec.retry
        ? {
            retryPolicy: {
              maxAttempts: spec.retry.maxAttempts,
              // Local work has no thundering herd to spread, and retries are reported as node events.
              jitter: false,
              logWarning: false,
              ...(spec.retry.initialIntervalMs !== undefined
                ? { initialInterval: spec.retry.initialIntervalMs }
                : {}),
              ...(spec.retry.backoffFactor !== undefined ? { backoffFactor: spec.retry.backoffFactor } : {}),
            },
          }
        : {}),
      ...(spec.timeoutMs ? { timeout: spec.timeoutMs } : {}),
    });
  }

  for (const edge of definition.edges) {
    if ('to' in edge) {
      for (const target of [edge.to].flat()) builder.addEdge(edge.from, target);
      continue;
    }
    builder.addConditionalEdges(
      edge.from,
      (state: S) => {
        const decision = edge.route(state);
        if (!Array.isArray(decision)) return decision;
        return decision.map((item) => (typeof item === 'string' ? item : new Send(item.node, item.input)));
      },
      edge.targets,
    );
  }

  const parseState = (input: unknown): Record<string, unknown> =>
    (definition.toState ? definition.toState(input as z.output<InputSchema>) : input) as Record<
      string,
      unknown
    >;
  return new RunTarget<Input, Output>({
    kind: 'workflow',
    name,
    description: definition.description,
    ...(definition.model ? { model: definition.model } : {}),
    input: (definition.input ?? definition.state) as z.ZodType<unknown, Input>,
    builder,
    toState: parseState,
    fromState: (state) => (definition.output ? definition.output(state as S) : (state as Output)),
  });
}

function toolNamed(
  source: ToolSource | undefined,
  environment: RunEnvironment,
  toolName: string,
  workflow: string,
): ToolDefinition | undefined {
  const matches = resolveTools(source, environment).filter((tool) => tool.name === toolName);
  if (matches.length > 1)
    throw new WorkflowDefinitionError(`workflow "${workflow}" has two tools named "${toolName}"`);
  return matches[0];
}
