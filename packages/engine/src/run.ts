// The run vocabulary: what every Hearth run reports, in one place for the CLI, MCP, the queue and a
// UI. Plain data only (no LangGraph types), so it can cross a process or a network as JSON.

/** Every status a run can have (for validating a status read back from JSON or a flag). */
export const runStatuses = ['running', 'paused', 'done', 'failed', 'cancelled'] as const;

/**
 * Where a run stands:
 * - `running`: started and not yet stopped (what a queue or UI shows for a live run);
 * - `paused`: stopped at a checkpoint, waiting for a human's approval (`pendingApprovals`);
 * - `done`: finished, with its output;
 * - `failed`: stopped by an error (its checkpoints remain, so it can be resumed);
 * - `cancelled`: stopped by its abort signal.
 */
export type RunStatus = (typeof runStatuses)[number];

/** What was run: an agent, a workflow or a planner. */
export type RunTargetKind = 'agent' | 'workflow' | 'planner';

/**
 * A run's id. **A run id is the LangGraph thread id**: one run per thread. Checkpoints are stored
 * under it, `resume(runId)` continues that run, and starting a new run on a thread that already has
 * one is refused (LangGraph would mix the two runs' state).
 */
export type RunId = string;

/** A tool call as shown to people and in events (arguments as the model or the workflow gave them). */
export interface ToolCallRecord {
  callId: string;
  tool: string;
  args: Record<string, unknown>;
}

/** A pending human decision: the run is paused until it is resumed with a decision. */
export interface ApprovalRequest {
  /** The interrupt id; pass it in per-request decisions to decide calls one by one. */
  id: string;
  /** The agent or workflow whose step proposed the calls. */
  source: string;
  calls: ToolCallRecord[];
}

/** One step of a plan: a task, and the ids of the steps it waits for. */
export interface PlanStep {
  id: string;
  task: string;
  dependsOn: string[];
}

/** A plan as a DAG of steps (a planner's, or any node's that reports one). */
export interface Plan {
  steps: PlanStep[];
}

/**
 * What a run reports while it runs. `path` is the chain of graph nodes from the top (workflows and
 * agents nest), so a live view can indent. `source` names the agent, workflow or planner whose node
 * emitted the event.
 */
export type RunEvent =
  | { type: 'node-start'; node: string; path: string[] }
  | { type: 'node-end'; node: string; path: string[]; error?: string }
  | { type: 'token'; source: string; text: string; path: string[] }
  | ({ type: 'tool-call'; source: string; path: string[] } & ToolCallRecord)
  | {
      type: 'tool-result';
      source: string;
      callId: string;
      tool: string;
      isError: boolean;
      /** The text the model saw, cut to 500 characters. */
      summary: string;
      /** Images/audio the tool returned (they go back to the model as media parts). */
      media: number;
      /** Those images and audio, base64, only when the run asked for them (core's `RunOptions.eventMedia`). */
      mediaParts?: { kind: 'image' | 'audio'; mimeType: string; data: string }[];
      path: string[];
    }
  | {
      /** One turn of an agent's loop (only agents emit it). */
      type: 'agent-step';
      agent: string;
      step: number;
      action: 'tool-calls' | 'final' | 'retry';
      path: string[];
    }
  | { type: 'plan'; plan: Plan; revision: number; path: string[] }
  | { type: 'approval-required'; requests: ApprovalRequest[] };

/** One node execution seen during a run call (nested agent nodes carry their path). */
export interface StepRecord {
  node: string;
  path: string[];
  status: Extract<RunStatus, 'done' | 'failed' | 'paused'>;
  durationMs: number;
}

/** Why a run failed or was cancelled, as plain data. */
export interface RunFailure {
  /** The error's class name (`ToolTimeoutError`, `AbortError`, ...). */
  name: string;
  /** A Hearth error's machine-readable code, when the error has one. */
  code?: string;
  message: string;
}

/**
 * One run call, summed up as JSON-ready data: what `hearth run --json` prints, what a queue stores
 * and a UI lists. A paused run's summary is superseded by the one of the call that resumes it.
 */
export interface RunSummary<Output = unknown> {
  /** The run id, which is the LangGraph thread id (see `RunId`). */
  runId: RunId;
  /** The agent, workflow or planner's name. */
  target: string;
  targetKind: RunTargetKind;
  status: RunStatus;
  /** ISO 8601 times of this call's start and stop. */
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** The run's output; present exactly when `status` is `done`. */
  output?: Output;
  /** Present exactly when `status` is `failed` or `cancelled`. */
  error?: RunFailure;
  /** Calls waiting for a human; non-empty exactly when `status` is `paused`. */
  pendingApprovals: ApprovalRequest[];
  /** Node executions during this call (a resumed run lists only what ran after the resume). */
  steps: StepRecord[];
}
