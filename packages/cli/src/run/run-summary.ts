import { type RunCall, type RunEvent, type RunSummary, summarizeRun } from '@hearth/core';

/** Media in results (attachments, tool screenshots) is shown by size, not as pages of byte values. */
function withoutMediaBytes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, inner: unknown) =>
      inner instanceof Uint8Array ? `<${inner.byteLength} bytes>` : inner,
    ),
  );
}

/**
 * The `--json` document (and `--stream`'s last line): the contract's `RunSummary` (run id, target,
 * status, timings, output or error, pending approvals, steps), plus what a person running the CLI
 * wants beside it: the model, the last plan, the tool calls, and how to continue a paused run.
 */
export function runSummary(call: RunCall<unknown>, model: string | undefined, events: RunEvent[]) {
  const summary: RunSummary = summarizeRun(call);
  const lastPlan = events.filter((event) => event.type === 'plan').at(-1)?.plan;
  const output = summary.output as { plan?: unknown } | undefined;
  return {
    ...summary,
    output: withoutMediaBytes(summary.output ?? null),
    model: model ?? null,
    plan: output?.plan ?? lastPlan ?? null,
    toolCalls: events
      .filter((event) => event.type === 'tool-result')
      .map((event) => ({
        tool: event.tool,
        isError: event.isError,
        summary: event.summary,
        media: event.media,
      })),
    ...(summary.status === 'paused'
      ? { resume: `hearth run --resume ${summary.runId} --approve   (or --deny)` }
      : {}),
  };
}
