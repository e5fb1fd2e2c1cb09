import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { toolNeedsApproval } from '../approvals/effects.js';
import type { ApprovalInterrupt, ApprovalResume } from '../workflow/run-target.js';
import { type AgentSetup, agentTools } from './agent-setup.js';
import type { AgentState } from './agent-state.js';

/** Whether any pending call needs a human's approval before it runs. */
export function needsApproval(
  setup: AgentSetup,
  state: AgentState,
  config: LangGraphRunnableConfig,
): boolean {
  const tools = agentTools(setup, config);
  return state.pending.some((call) => tools.has(call.name) && toolNeedsApproval(tools.get(call.name)));
}

/**
 * The `approval` node: pauses the run (LangGraph `interrupt`) with the calls that need approval; on
 * resume, records the human's decision for each of them.
 */
export function approvalNode(setup: AgentSetup) {
  return async (state: AgentState, config: LangGraphRunnableConfig) => {
    const tools = agentTools(setup, config);
    const calls = state.pending.filter(
      (call) => tools.has(call.name) && toolNeedsApproval(tools.get(call.name)),
    );
    const request: ApprovalInterrupt = {
      kind: 'approval',
      source: setup.name,
      calls: calls.map((call) => ({ callId: call.id, tool: call.name, args: call.args })),
    };
    const answer = interrupt(request) as ApprovalResume;
    return { decisions: Object.fromEntries(calls.map((call) => [call.id, answer.approved === true])) };
  };
}
