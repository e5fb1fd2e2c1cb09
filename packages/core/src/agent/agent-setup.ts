import type { SamplingOptions } from '@hearth/engine';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { z } from 'zod';
import { environmentOf, type ToolSource, toolsForRun } from '../runtime.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { AgentModeStrategy } from './mode-strategy.js';

/** An agent definition with its defaults applied: what every node of the agent graph reads. */
export interface AgentSetup {
  name: string;
  instructions: string;
  tools: ToolSource | undefined;
  output: z.ZodType;
  strategy: AgentModeStrategy;
  maxSteps: number;
  toolTimeoutMs: number;
  maxTokens: number;
  sampling: SamplingOptions;
}

/** The agent's tools for this run, by name (made and checked once per run environment). */
export function agentTools(setup: AgentSetup, config: LangGraphRunnableConfig): ToolRegistry {
  return toolsForRun(setup.tools, environmentOf(config), `agent "${setup.name}"`);
}
