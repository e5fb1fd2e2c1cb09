import { randomUUID } from 'node:crypto';
import type { ApprovalRequest } from '@hearth/engine';
import { RunInputError } from '../errors/run-input-error.js';
import type { ApprovalDecision, Approver } from './approval-types.js';

/** Approves everything, unasked: only for a caller that is the consenting person (`--approve-all`). */
export const approveAll: Approver = { decide: async () => ({ approve: true }) };

/**
 * The answer for one request: `{ approve }` answers every request; per-request decisions must name it.
 * @throws RunInputError when per-request decisions leave this request out.
 */
export function decisionFor(decision: ApprovalDecision, requestId: string): boolean {
  if ('approve' in decision) return decision.approve;
  const value = decision.decisions[requestId];
  if (value === undefined)
    throw new RunInputError(
      `no decision given for approval request "${requestId}"; decide every pending request`,
    );
  return value;
}

/** An approval request for one direct tool call (not a paused run), e.g. an MCP client's `tools/call`. */
export function toolCallApprovalRequest(source: string, tool: string, args: unknown): ApprovalRequest {
  return {
    id: randomUUID(),
    source,
    calls: [{ callId: randomUUID(), tool, args: (args ?? {}) as Record<string, unknown> }],
  };
}

/** One line per call, as people read it: `fs_write({"path":"a.txt",...})`. */
export function describeApprovalRequest(request: ApprovalRequest, maxArgsLength = 500): string {
  return request.calls
    .map((call) => {
      const args = JSON.stringify(call.args) ?? '{}';
      // Say how much is hidden, so nobody approves a long argument's unseen tail unawares.
      return args.length > maxArgsLength
        ? `${call.tool}(${args.slice(0, maxArgsLength)}... [${args.length - maxArgsLength} more characters not shown])`
        : `${call.tool}(${args})`;
    })
    .join(', ');
}

/** What `runWithApprovals` needs of a run result (a run target's `RunResult`). */
interface PausableResult {
  threadId: string;
  status: string;
  pendingApprovals: ApprovalRequest[];
}

/** What `runWithApprovals` drives: a run target's `run` and `resume` (described here, so this module needs no run target). */
export interface Resumable<Input, Options, Result extends PausableResult> {
  run(input: Input, options?: Options): Promise<Result>;
  resume(threadId: string, decision: ApprovalDecision, options?: Options): Promise<Result>;
}

/**
 * Pause -> ask -> decide -> resume until done: runs the target, and at each pause asks `approver`
 * about every pending request (each on its own, in order) and resumes the same run with the answers.
 * A denied call does not run (the run goes on and sees the denial). The other options go to every
 * `run`/`resume` call. Returns the finished run.
 */
export async function runWithApprovals<
  Input,
  Options extends { signal?: AbortSignal },
  Result extends PausableResult,
>(
  target: Resumable<Input, Options, Result>,
  input: Input,
  { approver, ...runOptions }: Options & { approver: Approver },
): Promise<Result> {
  const options = runOptions as unknown as Options;
  let result = await target.run(input, options);
  while (result.status === 'paused') {
    const decisions: Record<string, boolean> = {};
    for (const request of result.pendingApprovals) {
      options.signal?.throwIfAborted();
      const decision = await approver.decide(request, options.signal ? { signal: options.signal } : {});
      decisions[request.id] = decisionFor(decision, request.id);
    }
    result = await target.resume(result.threadId, { decisions }, options);
  }
  return result;
}
