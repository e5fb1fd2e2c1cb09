import type { Engine } from '@hearth/engine';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { MissingEngineError } from './errors/missing-engine-error.js';
import type { ToolDefinition } from './tools/tool-types.js';

/** What a run supplies to its nodes: the model, and where file-writing tools may write. */
export interface RunEnvironment {
  /** The model every agent and planner node of this run talks to. */
  engine?: Engine;
  /** Root for tools that touch files (the `fs` tool's sandbox); default the current directory. */
  workdir: string;
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

/** Tool instances cached per environment, so a run's tools are made once, not on every step. */
const resolvedTools = new WeakMap<object, WeakMap<RunEnvironment, readonly ToolDefinition[]>>();

/** The tools of a definition for this run (a tool factory is called once per run environment). */
export function resolveTools(
  source: ToolSource | undefined,
  environment: RunEnvironment,
): readonly ToolDefinition[] {
  if (!source) return [];
  if (typeof source !== 'function') return source;
  let byEnvironment = resolvedTools.get(source);
  if (!byEnvironment) {
    byEnvironment = new WeakMap();
    resolvedTools.set(source, byEnvironment);
  }
  let tools = byEnvironment.get(environment);
  if (!tools) {
    tools = source(environment);
    byEnvironment.set(environment, tools);
  }
  return tools;
}
