import { END, type LangGraphRunnableConfig, START, StateGraph } from '@langchain/langgraph';
import type { AgentSetup } from './agent-setup.js';
import { type AgentState, agentState } from './agent-state.js';
import { approvalNode, needsApproval } from './approval-step.js';
import { finalizeNode, modelNode } from './model-turn.js';
import { toolNode } from './tool-step.js';

/**
 * The agent loop, the same for every mode (the mode lives in `setup.strategy`):
 * model -> (final answer) END | (calls) [approval ->] tools -> model | (unusable) model,
 * and `finalize` once `maxSteps` turns are spent.
 */
export function agentGraph(setup: AgentSetup) {
  const nextTurn = (state: AgentState) => (state.steps >= setup.maxSteps ? 'finalize' : 'model');
  const afterModel = (state: AgentState, config: LangGraphRunnableConfig): string => {
    if (state.stopReason) return END;
    if (state.pending.length > 0) return needsApproval(setup, state, config) ? 'approval' : 'tools';
    return nextTurn(state);
  };
  return new StateGraph(agentState)
    .addNode('model', modelNode(setup))
    .addNode('approval', approvalNode(setup))
    .addNode('tools', toolNode(setup))
    .addNode('finalize', finalizeNode(setup))
    .addEdge(START, 'model')
    .addConditionalEdges('model', afterModel, ['approval', 'tools', 'finalize', 'model', END])
    .addEdge('approval', 'tools')
    .addConditionalEdges('tools', nextTurn, ['finalize', 'model'])
    .addEdge('finalize', END);
}
