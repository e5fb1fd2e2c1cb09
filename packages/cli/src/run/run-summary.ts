import type { RunEvent, RunResult } from '@hearth/core';

/** Media in results (attachments, tool screenshots) is shown by size, not as pages of base64. */
function withoutMediaBytes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, inner: unknown) =>
      key === 'data' && typeof inner === 'string' && inner.length > 200
        ? `<${Math.floor((inner.length * 3) / 4)} bytes, base64>`
        : inner,
    ),
  );
}

/** The `--json` document (and `--stream`'s last line): the plan, the steps, the tool calls, and the result. */
export function runSummary(
  targetName: string,
  model: string,
  result: RunResult<unknown>,
  events: RunEvent[],
) {
  const plans = events.filter((event) => event.type === 'plan');
  const output = result.output as { plan?: unknown } | undefined;
  return {
    threadId: result.threadId,
    status: result.status,
    target: targetName,
    model,
    plan: output?.plan ?? plans.at(-1)?.plan ?? null,
    steps: result.steps,
    toolCalls: events
      .filter((event) => event.type === 'tool-result')
      .map((event) => ({
        tool: event.tool,
        isError: event.isError,
        summary: event.summary,
        media: event.media,
      })),
    result: withoutMediaBytes(result.output ?? null),
    pendingApprovals: result.pendingApprovals,
    ...(result.status === 'paused'
      ? { resume: `hearth run --resume ${result.threadId} --approve   (or --deny)` }
      : {}),
  };
}
