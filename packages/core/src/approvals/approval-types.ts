// The approval contract's types, apart from its functions so tool types can name them without a cycle.
import type { ApprovalRequest } from '@hearth/engine';

/**
 * What a tool, agent or workflow can do outside itself. One description serves every caller: the
 * approval gate (a target that writes or runs needs consent), MCP tool annotations, and docs.
 */
export interface Effects {
  /** Reads files (within its root). */
  readsFiles: boolean;
  /** Creates, changes or deletes files or other lasting state. */
  writes: boolean;
  /** Runs programs. */
  runs: boolean;
  /** Reaches other machines over the network (the open world). */
  network: boolean;
}

/** What a tool declares in `defineTool({ effects })`; unset fields are `false`. */
export type DeclaredEffects = Partial<Effects>;

/**
 * A decision on paused calls: one answer for every pending call, or one per request id. The CLI's
 * `--approve`/`--deny`, an MCP client's elicitation answer and `--approve-all` all end up as one.
 */
export type ApprovalDecision = { approve: boolean } | { decisions: Record<string, boolean> };

/**
 * Who decides whether paused calls may run: a person at a terminal, an MCP client asked through
 * elicitation, a queue, a UI. `decide` gets one request (the calls one step wants to make, with their
 * exact arguments) and answers for it; an approver that cannot ask answers `{ approve: false }`.
 * An approval covers exactly the calls in the request it answers, never another request.
 */
export interface Approver {
  decide(request: ApprovalRequest, options: { signal?: AbortSignal }): Promise<ApprovalDecision>;
}
