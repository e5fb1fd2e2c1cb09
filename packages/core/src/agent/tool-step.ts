import type { ToolCall } from '@hearth/engine';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { toolNeedsApproval } from '../approvals/effects.js';
import { emit, emitToolResult } from '../events.js';
import { toolCallIdentity } from '../runtime.js';
import { callTool, type ToolOutcome, toolErrorOutcome } from '../tool-runner.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { type AgentSetup, agentTools } from './agent-setup.js';
import type { AgentState } from './agent-state.js';

/**
 * The `tools` node: runs every pending call at once (a denied, unknown or failing one becomes
 * an error result the model reads), sends the outcomes back the mode's way, and logs them.
 */
export function toolNode(setup: AgentSetup) {
  return async (state: AgentState, config: LangGraphRunnableConfig) => {
    const tools = agentTools(setup, config);
    const finished = await Promise.all(
      state.pending.map(async (call) => {
        emit(config, {
          type: 'tool-call',
          source: setup.name,
          callId: call.id,
          tool: call.name,
          args: call.args,
        });
        const denied =
          tools.has(call.name) &&
          toolNeedsApproval(tools.get(call.name)) &&
          state.decisions[call.id] !== true;
        const outcome = await runCall(setup, tools, call, denied, config);
        emitToolResult(config, { source: setup.name, callId: call.id, tool: call.name }, outcome);
        return { call, outcome, denied };
      }),
    );
    return {
      messages: setup.strategy.toolResultMessages(finished),
      pending: [],
      toolLog: finished.map(({ call, outcome, denied }) => ({
        callId: call.id,
        tool: call.name,
        args: call.args,
        isError: outcome.isError,
        result: outcome.text.slice(0, 2000),
        ...(denied ? { denied: true } : {}),
      })),
      observations: finished.flatMap(({ outcome }) => outcome.media),
    };
  };
}

function runCall(
  setup: AgentSetup,
  tools: ToolRegistry,
  call: ToolCall,
  denied: boolean,
  config: LangGraphRunnableConfig,
): Promise<ToolOutcome> | ToolOutcome {
  if (denied)
    return toolErrorOutcome(`a human denied this call to ${call.name}; do not retry it, answer without it`);
  return callTool(tools, call.name, call.args, {
    ...(config.signal ? { signal: config.signal } : {}),
    timeoutMs: setup.toolTimeoutMs,
    ...toolCallIdentity(config, call.id),
  });
}
