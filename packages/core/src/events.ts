import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { Plan } from './planner/plan.js';

/** A tool call as shown to people and in events (arguments as the model gave them). */
export interface ToolCallRecord {
  callId: string;
  tool: string;
  args: Record<string, unknown>;
}

/** A pending human decision: the run is paused until `resume(thread, {approve|deny})`. */
export interface ApprovalRequest {
  /** LangGraph interrupt id; pass it in `decisions` to decide calls one by one. */
  id: string;
  agent: string;
  calls: ToolCallRecord[];
}

/**
 * What a run reports while it runs. `path` is the chain of graph nodes from the top (subgraphs and
 * agents nest), so a live view can indent.
 */
export type WorkflowEvent =
  | { type: 'node-start'; node: string; path: string[] }
  | { type: 'node-end'; node: string; path: string[]; error?: string }
  | { type: 'token'; agent: string; text: string; path: string[] }
  | ({ type: 'tool-call'; agent: string; path: string[] } & ToolCallRecord)
  | {
      type: 'tool-result';
      agent: string;
      callId: string;
      tool: string;
      isError: boolean;
      /** The text the model saw, cut to 500 characters. */
      summary: string;
      /** Images/audio the tool returned (they go back to the model as media parts). */
      media: number;
      path: string[];
    }
  | {
      type: 'agent-step';
      agent: string;
      step: number;
      action: 'tool-calls' | 'final' | 'retry';
      path: string[];
    }
  | { type: 'plan'; plan: Plan; revision: number; path: string[] }
  | { type: 'approval-required'; requests: ApprovalRequest[] };

/** An event before the runner adds the node path (nodes do not know where they are nested). */
export type NodeEvent = WorkflowEvent extends infer E
  ? E extends { path: string[] }
    ? Omit<E, 'path'>
    : never
  : never;

/** Sends an event from inside a node to whoever streams the run (a no-op when nobody listens). */
export function emit(config: LangGraphRunnableConfig | undefined, event: NodeEvent): void {
  config?.writer?.(event);
}
