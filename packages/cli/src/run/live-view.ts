import type { RunEvent } from '@hearth/core';

/** How `hearth run` shows a run while it goes (nothing for `--json`, which prints one document at the end). */
export type RunDisplay = 'live' | 'stream' | 'json';

/** The display the `--json` / `--stream` flags ask for: `--json` wins; neither means the live view. */
export const displayFor = (flags: { json?: boolean; stream?: boolean }): RunDisplay =>
  flags.json ? 'json' : flags.stream ? 'stream' : 'live';

/**
 * A readable live view: one line per node and tool call, indented by nesting. `now` (milliseconds)
 * times the nodes; `hearth runs show` replays a logged run with the times it logged (none: no durations).
 */
export function liveView(
  write: (line: string) => void,
  now: () => number | undefined = () => performance.now(),
): (event: RunEvent) => void {
  // Start times per node (a list: parallel tasks of one node run at once), for durations.
  const started = new Map<string, (number | undefined)[]>();
  return (event) => {
    const indent = 'path' in event ? '  '.repeat(event.path.length) : '';
    switch (event.type) {
      case 'node-start': {
        const key = [...event.path, event.node].join('/');
        started.set(key, [...(started.get(key) ?? []), now()]);
        write(`${indent}> ${event.node}`);
        break;
      }
      case 'node-end': {
        const start = started.get([...event.path, event.node].join('/'))?.shift();
        const end = now();
        const took = start === undefined || end === undefined ? '' : ` ${((end - start) / 1000).toFixed(1)}s`;
        write(
          `${indent}${event.error ? `x ${event.node} failed${took}: ${event.error}` : `ok ${event.node}${took}`}`,
        );
        break;
      }
      case 'plan':
        write(`${indent}  plan (revision ${event.revision}):`);
        for (const step of event.plan.steps)
          write(
            `${indent}    [${step.id}] ${step.task.slice(0, 100)}${step.dependsOn.length ? ` (after ${step.dependsOn.join(', ')})` : ''}`,
          );
        break;
      case 'tool-call':
        write(`${indent}  -> ${event.tool} ${JSON.stringify(event.args).slice(0, 120)}`);
        break;
      case 'tool-result':
        write(
          `${indent}  <- ${event.tool}${event.isError ? ' (error)' : ''}: ${event.summary.replace(/\s+/g, ' ').slice(0, 120)}${event.media ? ` [+${event.media} media]` : ''}`,
        );
        break;
      case 'approval-required':
        for (const request of event.requests)
          for (const call of request.calls)
            write(`waiting for approval: ${call.tool} ${JSON.stringify(call.args).slice(0, 200)}`);
        break;
      default:
        break;
    }
  };
}

/** What to do with each event for a display: a live line, one JSON line (`--stream`), or nothing (`--json`). */
export function eventPrinter(
  display: RunDisplay,
  write: (line: string) => void,
): ((event: RunEvent) => void) | undefined {
  if (display === 'json') return undefined;
  if (display === 'stream') return (event) => write(JSON.stringify(event));
  return liveView(write);
}
