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
import { combineEffects, toolNeedsApproval, toolSourceEffects } from '../approvals/effects.js';
import { WorkflowDefinitionError } from '../errors/workflow-definition-error.js';
import { emit, emitToolResult, type NodeEvent } from '../events.js';
import {
  engineOf,
  environmentOf,
  type RunEnvironment,
  type ToolSource,
  toolCallIdentity,
  toolsForRun,
} from '../runtime.js';
import { callTool, type ToolOutcome, toolErrorOutcome } from '../tool-runner.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { type AnyRunTarget, type ApprovalInterrupt, type ApprovalResume, RunTarget } from './run-target.js';

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
  /** Reports decoded model text as a token event: pass it as `generateObject`'s `onToken`. */
  onToken(text: string): void;
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

/** A node that is a function of the state. */
export interface FunctionNode<S> extends NodePolicy {
  run: (state: S, context: NodeContext) => Promise<Update<S>> | Update<S>;
  target?: never;
  tool?: never;
}

/** The input type of an agent, planner or workflow. */
export type InputOf<Target extends AnyRunTarget> = Parameters<Target['run']>[0];
/** The output type of an agent, planner or workflow. */
export type OutputOf<Target extends AnyRunTarget> = Awaited<ReturnType<Target['invokeNested']>>;

/**
 * A node that runs an agent, a planner or another workflow as a subgraph: its steps are checkpointed
 * inside this run. `output` receives the target's own output type.
 */
export interface TargetNode<S, Target extends AnyRunTarget> extends NodePolicy {
  target: Target;
  run?: never;
  tool?: never;
  input: (state: S) => InputOf<Target>;
  output: (result: OutputOf<Target>, state: S) => Update<S>;
}

/** A node that makes one tool call with arguments taken from the state. */
export interface ToolNode<S> extends NodePolicy {
  tool: string;
  run?: never;
  target?: never;
  args: (state: S) => unknown;
  output: (outcome: ToolOutcome, state: S) => Update<S>;
  /**
   * Pause for a human before running a tool that requires approval (default: the tool's own
   * `requiresApproval`). Set false when the workflow itself fixes the call's arguments and the
   * person started this workflow knowing it makes that call.
   */
  approval?: boolean;
}

/**
 * A node: a function, an agent/planner/workflow (run as a subgraph), or a tool call. `Target` is the
 * type of what a target node runs (inferred per node by `defineWorkflow`). Each kind forbids the
 * others' key (`run`, `target`, `tool`), so a node is exactly one kind and TypeScript can tell which
 * one an object literal is, to type its callbacks.
 */
export type NodeSpec<S, Target = AnyRunTarget> =
  | FunctionNode<S>
  | TargetNode<S, Target extends AnyRunTarget ? Target : never>
  | ToolNode<S>;

/** Runs `node` with `input` as its state (a map step); routers return a list of these to fan out. */
export interface FanOut<Node extends string = string> {
  node: Node;
  input: Record<string, unknown>;
}
/**
 * One task of a fan-out: a router returning several of these runs `node` once per item, all in
 * parallel, each with `input` as its state (LangGraph's `Send`).
 */
export function fanOut<Node extends string>(node: Node, input: Record<string, unknown>): FanOut<Node> {
  return { node, input };
}

/**
 * Where a task started by a `fanOut` item (a LangGraph Send, triggered by `__pregel_push`) sits: the
 * node names from the top graph down, and a key that names the branch on every replay of its step
 * (the parent namespaces, whose task ids derive from the checkpoint, the step and the item's index).
 * Undefined for a task reached by an ordinary edge.
 */
function fanOutBranch(
  config: LangGraphRunnableConfig,
  node: string,
): { nodePath: string[]; branchKey: string } | undefined {
  const metadata = config.metadata ?? {};
  const path = metadata.langgraph_path as unknown[] | undefined;
  if (path?.[0] !== '__pregel_push' || typeof metadata.langgraph_step !== 'number') return undefined;
  const namespaces = String(config.configurable?.checkpoint_ns ?? node).split('|');
  const parents = namespaces.slice(0, -1);
  const nodePath = [...parents.map((segment) => segment.split(':')[0] ?? segment), node];
  const branchKey = [...parents, `${node}@${metadata.langgraph_step}.${String(path[1])}`].join('|');
  return { nodePath, branchKey };
}

/** An edge between nodes named in `Node` (plus START and END), so a misspelt name does not compile. */
export type EdgeSpec<S, Node extends string = string> =
  /** Always go on to `to`; a list runs those nodes in parallel (they join at their common successor). */
  | { from: Node | typeof START; to: Node | typeof END | (Node | typeof END)[] }
  /** Decide at run time: a node name, END, several names (parallel), or FanOut items (one task each). */
  | {
      from: Node | typeof START;
      route: (state: S) => Node | typeof END | (Node | typeof END)[] | FanOut<Node>[];
      targets: (Node | typeof END)[];
    };

/**
 * A workflow's definition. `Nodes` maps each node name to what a target node runs (`unknown` for
 * function and tool nodes); it is inferred from `nodes`, so edges may only name those nodes and a
 * target node's `output` receives the target's output type.
 */
export interface WorkflowDefinition<
  Shape extends z.ZodRawShape,
  InputSchema extends z.ZodType,
  Output,
  Nodes extends Record<string, unknown>,
> {
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
  nodes: { [Name in keyof Nodes]: NodeSpec<z.infer<z.ZodObject<Shape>>, Nodes[Name]> };
  /** Edges name nodes from `nodes` (plus START and END); the names are taken from `nodes`, never from here. */
  edges: EdgeSpec<z.infer<z.ZodObject<Shape>>, NoInfer<keyof Nodes & string>>[];
}

/**
 * Defines a workflow on LangGraph: typed (zod) state, nodes that are functions, agents, subgraphs or
 * tools, static and conditional edges, cycles, parallel fan-out, per-node retry and timeout. Every
 * step is checkpointed; runs stream events and resume by thread id.
 * @throws WorkflowDefinitionError when an edge names an unknown node or a node is malformed.
 */
export function defineWorkflow<
  Shape extends z.ZodRawShape,
  Nodes extends Record<string, unknown>,
  InputSchema extends z.ZodType = z.ZodObject<Shape>,
  Output = z.infer<z.ZodObject<Shape>>,
>(
  definition: WorkflowDefinition<Shape, InputSchema, Output, Nodes>,
): RunTarget<z.input<InputSchema>, Output> {
  type Input = z.input<InputSchema>;
  type S = z.infer<z.ZodObject<Shape>>;
  const { name } = definition;
  const owner = `workflow "${name}"`;
  const nodeNames = Object.keys(definition.nodes);
  const check = (node: string, where: string) => {
    if (node !== START && node !== END && !nodeNames.includes(node)) {
      throw new WorkflowDefinitionError(
        `${owner}: ${where} names node "${node}", which is not defined; nodes: ${nodeNames.join(', ')}`,
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
      `${owner}: "${clash}" is both a node and a state key; LangGraph needs distinct names, rename one`,
    );
  }
  if (!definition.edges.some((edge) => edge.from === START))
    throw new WorkflowDefinitionError(
      `${owner} has no edge from START; add { from: START, to: '<first node>' }`,
    );

  const fields: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(definition.state.shape)) {
    const reducer = definition.reducers?.[key as keyof Shape];
    fields[key] = reducer ? new ReducedValue(schema as z.ZodType, { reducer: reducer as never }) : schema;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the state's precise type lives in the zod shape above
  const builder: any = new StateGraph(new StateSchema(fields as never) as never);

  /**
   * One tool call from a node, reported as tool-call / tool-result events. `ledgerCallId` tells apart
   * the calls of one node execution for the ledger key (it counts a function node's calls).
   */
  const invokeTool = async (
    config: LangGraphRunnableConfig,
    tools: ToolRegistry,
    toolName: string,
    args: unknown,
    callId: string,
    ledgerCallId = callId,
  ) => {
    emit(config, {
      type: 'tool-call',
      source: name,
      callId,
      tool: toolName,
      args: args as Record<string, unknown>,
    });
    const outcome = await callTool(tools, toolName, args, {
      signal: config.signal,
      ...toolCallIdentity(config, ledgerCallId),
    });
    emitToolResult(config, { source: name, callId, tool: toolName }, outcome);
    return outcome;
  };

  const contextFor = (config: LangGraphRunnableConfig, nodeName: string): NodeContext => {
    const environment = environmentOf(config);
    let calls = 0;
    return {
      signal: config.signal,
      environment,
      engine: () => engineOf(config, name),
      emit: (event) => emit(config, event),
      onToken: (text) => emit(config, { type: 'token', source: name, text }),
      callTool: async (toolName, args) => {
        const tools = toolsForRun(definition.tools, environment, owner);
        if (tools.has(toolName) && toolNeedsApproval(tools.get(toolName))) {
          // A pause inside a function node would re-run the whole node on resume; tool nodes pause cleanly.
          throw new WorkflowDefinitionError(
            `${owner}: node "${nodeName}" calls "${toolName}", which requires approval; call it from a tool node ({ tool: '${toolName}', args, output })`,
          );
        }
        calls += 1;
        return invokeTool(
          config,
          tools,
          toolName,
          args,
          `${nodeName}:${toolName}`,
          `${nodeName}:${toolName}#${calls}`,
        );
      },
      config,
    };
  };

  for (const [nodeName, spec] of Object.entries<NodeSpec<S>>(definition.nodes)) {
    let run: (state: S, config: LangGraphRunnableConfig) => Promise<Update<S>>;
    if (spec.run) {
      run = async (state, config) => spec.run(state, contextFor(config, nodeName));
    } else if (spec.target) {
      if (!RunTarget.isRunTarget(spec.target))
        throw new WorkflowDefinitionError(
          `${owner}: node "${nodeName}" needs an agent, planner or workflow in "target"`,
        );
      run = async (state, config) => {
        const runChild = environmentOf(config).runChild;
        const branch = runChild ? fanOutBranch(config, nodeName) : undefined;
        // A fan-out branch may run as a child run elsewhere (a queue worker's option); the rest nest here.
        const result =
          runChild && branch
            ? await runChild({
                ...branch,
                input: spec.input(state),
                ...(config.signal ? { signal: config.signal } : {}),
              })
            : await spec.target.invokeNested(spec.input(state), config);
        return spec.output(result as never, state);
      };
    } else if (spec.tool !== undefined) {
      run = async (state, config) => {
        const tools = toolsForRun(definition.tools, environmentOf(config), owner);
        if (!tools.has(spec.tool)) {
          throw new WorkflowDefinitionError(
            `${owner}: node "${nodeName}" calls tool "${spec.tool}", which the workflow's tools do not include`,
          );
        }
        const args = spec.args(state) as Record<string, unknown>;
        if (spec.approval ?? toolNeedsApproval(tools.get(spec.tool))) {
          const call = { callId: nodeName, tool: spec.tool, args };
          const request: ApprovalInterrupt = { kind: 'approval', source: name, calls: [call] };
          const decision = interrupt(request) as ApprovalResume;
          if (!decision.approved) return spec.output(toolErrorOutcome(`a human denied ${spec.tool}`), state);
        }
        return spec.output(await invokeTool(config, tools, spec.tool, args, nodeName), state);
      };
    } else {
      throw new WorkflowDefinitionError(`${owner}: node "${nodeName}" must have one of run, target or tool`);
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
    // Everything its tools can do (tool nodes with `approval: false` included) and its nested targets.
    effects: () =>
      combineEffects([
        toolSourceEffects(definition.tools),
        ...Object.values<NodeSpec<S>>(definition.nodes).flatMap((spec) =>
          RunTarget.isRunTarget(spec.target) ? [spec.target.effects] : [],
        ),
      ]),
    nestedTargets: () =>
      Object.fromEntries(
        Object.entries<NodeSpec<S>>(definition.nodes).flatMap(([node, spec]) =>
          RunTarget.isRunTarget(spec.target) ? [[node, spec.target]] : [],
        ),
      ),
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
