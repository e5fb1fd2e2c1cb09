import type { ToolSource } from '../runtime.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import type { Effects } from './approval-types.js';

/** Nothing outside itself: a pure computation. */
export const noEffects: Readonly<Effects> = Object.freeze({
  readsFiles: false,
  writes: false,
  runs: false,
  network: false,
});

/**
 * A tool's effects: what it declares, or, for a tool that declares none, what `requiresApproval`
 * implies (a tool that needs approval is assumed to write). `declared` is false for a tool that said
 * nothing, so callers do not claim it is read-only.
 */
export function toolEffects(tool: Pick<ToolDefinition, 'effects' | 'requiresApproval'>): Effects & {
  declared: boolean;
} {
  if (tool.effects) return { ...noEffects, ...tool.effects, declared: true };
  return { ...noEffects, writes: tool.requiresApproval === true, declared: false };
}

/** The union: what any of the parts can do, the whole can do. */
export function combineEffects(parts: Iterable<Effects>): Effects {
  const combined = { ...noEffects };
  for (const part of parts) {
    combined.readsFiles ||= part.readsFiles;
    combined.writes ||= part.writes;
    combined.runs ||= part.runs;
    combined.network ||= part.network;
  }
  return combined;
}

/**
 * Whether something with these effects may run only with someone's consent: whatever writes or runs
 * programs (a call from another program, such as an MCP client, is not consent).
 */
export function effectsNeedApproval(effects: Effects): boolean {
  return effects.writes || effects.runs;
}

/** Whether calling a tool needs consent: it says so, or its effects write or run programs. */
export function toolNeedsApproval(tool: Pick<ToolDefinition, 'effects' | 'requiresApproval'>): boolean {
  return tool.requiresApproval === true || effectsNeedApproval(toolEffects(tool));
}

/** A short phrase for people: "writes files, runs programs". */
export function describeEffects(effects: Effects): string {
  const parts = [
    effects.writes && 'writes files',
    effects.runs && 'runs programs',
    effects.network && 'reaches the network',
    effects.readsFiles && 'reads files',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no effects outside itself';
}

/**
 * The effects of everything a tool source can do: an agent's, planner's or workflow's tools. A tool
 * factory is called with the current directory as workdir; a tool's effects do not depend on where
 * it is rooted.
 */
export function toolSourceEffects(source: ToolSource | undefined): Effects {
  if (!source) return { ...noEffects };
  const tools = typeof source === 'function' ? source({ workdir: process.cwd() }) : source;
  return combineEffects(
    tools.map((tool) => {
      const { declared: _declared, ...effects } = toolEffects(tool);
      // A tool that needs approval but declared only other effects still counts as one that writes.
      return tool.requiresApproval === true && !effectsNeedApproval(effects)
        ? { ...effects, writes: true }
        : effects;
    }),
  );
}
