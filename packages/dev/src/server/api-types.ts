// What the dev server's API answers, shared with the front end (types only).
import type { ApprovalRequest, RunEvent, RunStatus, RunTargetKind } from '@hearth/engine';
import type { ReceivedSpan } from '@hearth/tracing';

/** A target's graph (`RunTarget.graph()` in @hearth/core): nodes, routed edges, nested targets' graphs. */
export interface GraphData {
  nodes: { id: string; subgraph?: { kind: RunTargetKind; name: string; graph: GraphData } }[];
  edges: { source: string; target: string; conditional: boolean }[];
}

/** An agent, workflow or planner of the project, as the page lists and starts it. */
export interface DevTarget {
  name: string;
  kind: RunTargetKind;
  description: string;
  /** What `hearth run` is given to run it: its file, or its example name. */
  source: string;
  /** The model its definition names, if any (the form's default). */
  model?: string;
  /** Its input as JSON Schema (from its zod schema), for the run form. */
  inputSchema: Record<string, unknown>;
  graph: GraphData;
}

/** A tool the project's runs may call. */
export interface DevTool {
  name: string;
  description: string;
  /** What it may do (reads files, writes, runs programs, reaches the network). */
  effects: string;
  needsApproval: boolean;
}

/** Everything the page shows about the project `hearth dev` was started in. */
export interface DevProject {
  root: string;
  targets: DevTarget[];
  tools: DevTool[];
  /** Model presets to offer in the run form (any preset name or GGUF path is accepted). */
  models: string[];
}

/** A file the user attached to a run (its bytes go in the request as base64). */
export interface AttachmentUpload {
  kind: 'image' | 'audio';
  name: string;
  mimeType: string;
  /** Base64. */
  data: string;
}

/** POST /api/runs. */
export interface StartRunRequest {
  target: string;
  model: string;
  input: Record<string, unknown>;
  attachments: AttachmentUpload[];
}

/** A run as the page shows it; `status` is `starting` until its process reports. */
export interface RunView {
  runId: string;
  target: string;
  targetKind: RunTargetKind;
  model: string;
  status: RunStatus | 'starting' | 'killed';
  /** True while a `hearth run` process for it is running. */
  live: boolean;
  startedAt: string;
  endedAt?: string;
  output?: unknown;
  error?: { message: string; code?: string };
  pendingApprovals: ApprovalRequest[];
  attachments: { kind: 'image' | 'audio'; name: string; mimeType: string }[];
  /** Text files the output names (`reportPath` and the like) inside the project, as written. */
  artifacts: { path: string; text: string }[];
  /** Checkpoints stored for its thread (a killed run with checkpoints resumes from the last). */
  checkpoints: number;
}

/** What the run stream sends: a first snapshot, then changes. */
export type RunMessage =
  | { type: 'snapshot'; run: RunView; events: RunEvent[]; spans: ReceivedSpan[] }
  | { type: 'event'; event: RunEvent }
  | { type: 'run'; run: RunView }
  | { type: 'spans'; spans: ReceivedSpan[] };

/** A run on the shared queue (`hearth run --queue`), as GET /api/queue lists it. */
export interface QueuedRunRow {
  runId: string;
  target: string;
  /** `queued` (waiting for a worker), or a run status. */
  status: string;
  model?: string;
  worker?: string;
  updatedAt: string;
}

/** GET /api/queue: the queue's runs, when the environment names a queue. */
export type QueueList = { configured: false } | { configured: true; runs: QueuedRunRow[] };

/** An eval report `hearth eval` wrote, as GET /api/evals lists it. */
export interface EvalReportView {
  name: string;
  createdAt: string;
  /** The models compared and each one's success rate over all scored cases. */
  models: { name: string; successRate?: number }[];
  /** Where the report opens (a link that works in a new tab; see EvalReports). */
  href: string;
}

/** GET /api/runs: the dev server's runs, newest first, and other threads found in the checkpoints. */
export interface RunsList {
  runs: RunView[];
  otherThreads: { threadId: string; checkpoints: number }[];
}
