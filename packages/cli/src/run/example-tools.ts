import { effectsNeedApproval, type ToolDefinition } from '@hearth/core';
import type { Engine } from '@hearth/engine';
import { openEngine } from '@hearth/model';
import { defaultModel, exampleTargets } from './load-target.js';

/**
 * The example agents and workflows as tools, for `hearth mcp serve`: a call runs the agent or
 * workflow to completion; each carries its target's effects, so one that writes or runs programs
 * needs approval, and its pauses mid-run go to the caller's approver.
 * One engine, started on the first call, serves them all; `close` stops it.
 */
export async function exampleTools(options: { model?: string; workdir: string }): Promise<{
  tools: ToolDefinition[];
  close(): Promise<void>;
}> {
  let engine: Promise<Engine> | undefined;
  const tools = [...(await exampleTargets()).values()].map(
    (target): ToolDefinition => ({
      name: target.name,
      description: `${target.kind}: ${target.description}`,
      input: target.input,
      effects: target.effects,
      requiresApproval: effectsNeedApproval(target.effects),
      run: async (input, context) => {
        engine ??= openEngine({ model: options.model ?? defaultModel(target) });
        return target.asTool({ engine: await engine, workdir: options.workdir }).run(input, context);
      },
    }),
  );
  return {
    tools,
    close: async () => {
      if (engine) await (await engine).close();
    },
  };
}
