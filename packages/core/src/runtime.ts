import type { Engine } from '@hearth/engine';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { DuplicateToolError } from './errors/duplicate-tool-error.js';
import { MissingEngineError } from './errors/missing-engine-error.js';
import { WorkflowDefinitionError } from './errors/workflow-definition-error.js';
import { ToolRegistry } from './tools/tool-registry.js';
import type { ToolDefinition, ToolResult } from './tools/tool-types.js';

/** What a run supplies to its nodes: the model, and where file-writing tools may write. */
export interface RunEnvironment {
  /** The model every agent and planner node of this run talks to. */
  engine?: Engine;
  /** Root for tools that touch files (the `fs` tool's sandbox); default the current directory. */
  workdir: string;
  /** Records tool results by call key so a re-delivered run reuses them (the queue's effect ledger). */
  toolLedger?: ToolLedger;
  /** Put the images and audio tools return into tool-result events (`RunOptions.eventMedia`). */
  eventMedia?: boolean;
  /** Runs a fan-out branch's target as a run of its own elsewhere (`RunOptions.runChild`). */
  runChild?: RunChild;
}

/** One `fanOut` branch whose node runs an agent, planner or workflow, handed to `RunOptions.runChild`. */
export interface ChildRunRequest {
  /**
   * Node names from the run's own graph down to the branch's node (one name unless the fan-out is
   * inside a nested workflow): `RunTarget.nestedTarget(nodePath)` on the run's target gives the target.
   */
  nodePath: string[];
  /**
   * Names this branch within the run, the same on every replay of its step (a re-delivered or resumed
   * run): the node path, the graph step and the branch's index among that step's fan-out items.
   */
  branchKey: string;
  /** The target's input (what the node's `input(state)` returned). */
  input: unknown;
  /** The run's signal: the branch is abandoned when it fires. */
  signal?: AbortSignal;
}

/**
 * Runs a branch's target outside this process (`@hearth/queue` enqueues it as a child run) and
 * returns its output, or throws its error. Without it, branches run in-process as subgraphs.
 */
export type RunChild = (request: ChildRunRequest) => Promise<unknown>;

/**
 * Where a run records each tool call's result under its key (`ToolRunContext.idempotencyKey`), so
 * that a run re-delivered after a crash gets the recorded result instead of calling the tool again.
 * `@hearth/queue` keeps one in Postgres; local runs have none (their finished steps are checkpointed).
 */
export interface ToolLedger {
  /** The result recorded under `key`; else runs `call`, records its result under `key`, returns it. */
  once(key: string, call: () => Promise<ToolResult>): Promise<ToolResult>;
}

/**
 * A tool call's stable key: the run (thread), the graph task that makes the call (its checkpoint
 * namespace, which LangGraph derives from the step, the node and the checkpoint it started from, so a
 * replay of that step gets the same one) and the call's id within the task. The same call in a
 * re-delivered or resumed run gets the same key.
 */
export function toolCallKey(config: LangGraphRunnableConfig | undefined, callId: string): string {
  const thread = String(config?.configurable?.thread_id ?? '');
  const namespace = String(config?.configurable?.checkpoint_ns ?? '');
  const step = String(config?.metadata?.langgraph_step ?? '');
  return `${thread}|${namespace}|step ${step}|${callId}`;
}

/** What `callTool` needs to make one call of a run idempotent: its key and the run's ledger, if any. */
export function toolCallIdentity(
  config: LangGraphRunnableConfig | undefined,
  callId: string,
): { idempotencyKey: string; ledger?: ToolLedger } {
  const ledger = environmentOf(config).toolLedger;
  return { idempotencyKey: toolCallKey(config, callId), ...(ledger ? { ledger } : {}) };
}

/** Tools, given directly or made per run from the run's environment (for example `fs` rooted at workdir). */
export type ToolSource =
  | readonly ToolDefinition[]
  | ((environment: RunEnvironment) => readonly ToolDefinition[]);

const environmentKey = 'hearth_environment';

/** Puts the run environment where every node, including nested agents, can read it. */
export function withEnvironment(
  config: Record<string, unknown> | undefined,
  environment: RunEnvironment,
): Record<string, unknown> {
  return { ...(config ?? {}), [environmentKey]: environment };
}

/** The run environment a node runs in (default: no engine, the current directory). */
export function environmentOf(config: LangGraphRunnableConfig | undefined): RunEnvironment {
  const environment = config?.configurable?.[environmentKey] as RunEnvironment | undefined;
  return environment ?? { workdir: process.cwd() };
}

/** The run's engine, for a node that needs the model; MissingEngineError names the node otherwise. */
export function engineOf(config: LangGraphRunnableConfig | undefined, node: string): Engine {
  const engine = environmentOf(config).engine;
  if (!engine) throw new MissingEngineError(node);
  return engine;
}

/** Tool registries cached per tool source and run environment, so a run's tools are made and checked once. */
const registries = new WeakMap<object, WeakMap<RunEnvironment, ToolRegistry>>();

/**
 * The tools of a definition for this run, keyed by name (a tool factory is called once per run
 * environment, and the registry is built once).
 * @param owner names the definition in the error, e.g. `agent "triage"`.
 * @throws WorkflowDefinitionError when two of the tools share a name.
 */
export function toolsForRun(
  source: ToolSource | undefined,
  environment: RunEnvironment,
  owner: string,
): ToolRegistry {
  if (!source) return new ToolRegistry();
  let byEnvironment = registries.get(source);
  if (!byEnvironment) {
    byEnvironment = new WeakMap();
    registries.set(source, byEnvironment);
  }
  let registry = byEnvironment.get(environment);
  if (!registry) {
    const tools = typeof source === 'function' ? source(environment) : source;
    try {
      registry = new ToolRegistry(tools);
    } catch (error) {
      // The registry names the repeated tool; the definition error says whose tools they are.
      if (!DuplicateToolError.isInstance(error)) throw error;
      throw new WorkflowDefinitionError(`${owner}: ${error.message}`, { cause: error });
    }
    byEnvironment.set(environment, registry);
  }
  return registry;
}
