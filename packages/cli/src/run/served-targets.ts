import { type AnyRunTarget, effectsNeedApproval, RunTarget, type ToolDefinition } from '@hearth/core';
import type { Engine } from '@hearth/engine';
import { openEngine } from '@hearth/model';
import { runModel } from './load-target.js';

/** Agents and workflows served as tools, and the engines their calls opened. */
export interface ServedTargets {
  tools: ToolDefinition[];
  /** The tool to serve for a loaded one: `agent.asTool()` made without an engine gets the served model. */
  withEngine(tool: ToolDefinition): ToolDefinition;
  close(): Promise<void>;
}

/**
 * Agents and workflows as tools, for `hearth mcp serve`: a call runs the agent or workflow to
 * completion (`asTool`: progress per node, approvals through the caller); each carries its target's
 * effects, so one that writes or runs programs needs approval. Engines start on the first call that
 * needs one, one per model (`options.model`, else each target's own), and `close` stops them.
 */
export function servedTargetTools(
  targets: Iterable<AnyRunTarget>,
  options: { model?: string; workdir: string },
): ServedTargets {
  const engines = new Map<string, Promise<Engine>>();
  const engineFor = (model: string): Promise<Engine> => {
    let engine = engines.get(model);
    if (!engine) {
      engine = openEngine({ model });
      engines.set(model, engine);
    }
    return engine;
  };
  const served = (target: AnyRunTarget, runOptions: Record<string, unknown> = {}): ToolDefinition => ({
    name: target.name,
    description: `${target.kind}: ${target.description}`,
    input: target.input,
    effects: target.effects,
    requiresApproval: effectsNeedApproval(target.effects),
    run: async (input, context) => {
      const model = runModel(target, options.model);
      const engine = model ? { engine: await engineFor(model) } : {};
      return target.asTool({ workdir: options.workdir, ...runOptions, ...engine }).run(input, context);
    },
  });
  return {
    tools: [...targets].map((target) => served(target)),
    withEngine: (tool) => {
      const made = RunTarget.madeTool(tool);
      return made && !made.options.engine ? served(made.target, made.options) : tool;
    },
    close: async () => {
      for (const engine of engines.values()) await (await engine).close();
    },
  };
}
