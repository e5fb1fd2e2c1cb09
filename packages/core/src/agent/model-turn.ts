import type { Message } from '@hearth/engine';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { emit } from '../events.js';
import { userContent } from '../media.js';
import { engineOf } from '../runtime.js';
import type { ToolDefinition } from '../tools/tool-types.js';
import { type AgentSetup, agentTools } from './agent-setup.js';
import type { AgentState } from './agent-state.js';
import type { StepDecision } from './mode-strategy.js';

/** The `model` node: one turn, whose decision becomes pending calls, the answer, or a retry. */
export function modelNode(setup: AgentSetup) {
  return async (state: AgentState, config: LangGraphRunnableConfig) => {
    const step = state.steps + 1;
    const decision = await decide(setup, state, config, { finalOnly: false });
    if (decision.kind === 'tool-calls') {
      emit(config, { type: 'agent-step', agent: setup.name, step, action: 'tool-calls' });
      return { messages: [decision.reply], steps: step, pending: decision.calls, decisions: {} };
    }
    if (decision.kind === 'final') {
      emit(config, { type: 'agent-step', agent: setup.name, step, action: 'final' });
      return {
        messages: [decision.reply],
        steps: step,
        pending: [],
        answer: decision.answer,
        stopReason: 'final' as const,
      };
    }
    // An unusable turn: the model is told what was wrong and tries again (it costs a step).
    emit(config, { type: 'agent-step', agent: setup.name, step, action: 'retry' });
    const retry: Message = {
      role: 'user',
      content: `That reply was not usable: ${decision.problem}. Try again.`,
    };
    return { messages: [decision.reply, retry], steps: step, pending: [] };
  };
}

/** The `finalize` node: the step budget is spent, and one last turn may only answer. */
export function finalizeNode(setup: AgentSetup) {
  return async (state: AgentState, config: LangGraphRunnableConfig) => {
    const decision = await decide(setup, state, config, { finalOnly: true });
    emit(config, { type: 'agent-step', agent: setup.name, step: state.steps + 1, action: 'final' });
    return {
      messages: [decision.reply],
      steps: state.steps + 1,
      answer: decision.kind === 'final' ? decision.answer : null,
      stopReason: 'max-steps' as const,
    };
  };
}

const budgetSpent: Message = {
  role: 'user',
  content: 'The step budget is used up. Give your final answer now.',
};

/** Builds the turn from the state and hands it to the agent's mode. */
function decide(
  setup: AgentSetup,
  state: AgentState,
  config: LangGraphRunnableConfig,
  { finalOnly }: { finalOnly: boolean },
): Promise<StepDecision> {
  const tools = agentTools(setup, config).list();
  return setup.strategy.takeTurn({
    messages: [...conversation(setup, state, tools), ...(finalOnly ? [budgetSpent] : [])],
    tools,
    output: setup.output,
    finalOnly,
    turnId: `${setup.name}-${state.steps + 1}`,
    engine: engineOf(config, setup.name),
    sampling: setup.sampling,
    maxTokens: setup.maxTokens,
    ...(config.signal ? { signal: config.signal } : {}),
    onToken: (text) => emit(config, { type: 'token', source: setup.name, text }),
  });
}

function conversation(setup: AgentSetup, state: AgentState, tools: readonly ToolDefinition[]): Message[] {
  return [
    { role: 'system', content: setup.strategy.systemPrompt(setup.instructions, tools) },
    { role: 'user', content: userContent(state.prompt, state.attachments) },
    ...state.messages,
  ];
}
