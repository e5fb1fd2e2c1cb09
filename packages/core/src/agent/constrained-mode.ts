import type { ContentPart } from '@hearth/engine';
import type { ToolDefinition } from '../tools/tool-types.js';
import { decodeUnderSchema } from './decode-under-schema.js';
import type { AgentModeStrategy } from './mode-strategy.js';
import { constrainedStep } from './step-schema.js';

/**
 * `constrained`: every turn is decoded (through `generateObject`) under the union "call tool X with
 * arguments for X" | "final answer" (`constrainedStep`), so a small model cannot produce a malformed
 * step. One call per turn; tool outcomes come back as user messages ("Result of X:").
 */
export const constrainedMode: AgentModeStrategy = {
  systemPrompt(instructions, tools) {
    if (tools.length === 0) return instructions;
    return `${instructions}\n\nAnswer every turn with one JSON object: either {"action":"call_tool","tool":<name>,"args":{...}} to use a tool, or {"action":"final_answer","answer":...} when done.\nTools:\n${toolList(tools)}`;
  },

  takeTurn: (turn) =>
    decodeUnderSchema(
      turn,
      constrainedStep(turn.tools, turn.output, { finalOnly: turn.finalOnly }),
      (step, reply) =>
        step.action === 'call_tool'
          ? { kind: 'tool-calls', calls: [{ id: turn.turnId, name: step.tool, args: step.args }], reply }
          : { kind: 'final', answer: step.answer, reply },
    ),

  toolResultMessages: (finished) =>
    finished.map(({ call, outcome }) => ({
      role: 'user',
      content: [{ type: 'text', text: `Result of ${call.name}:` }, ...outcome.content] as ContentPart[],
    })),
};

function toolList(tools: readonly ToolDefinition[]): string {
  return tools.map((tool) => `- ${tool.name}: ${tool.description}`).join('\n');
}
