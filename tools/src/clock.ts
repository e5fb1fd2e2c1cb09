import { defineTool, type ToolDefinition } from '@hearth/core';
import { z } from 'zod';

/** `clock`: the current date and time, in UTC and optionally in an IANA time zone. */
export function clockTool(now: () => Date = () => new Date()): ToolDefinition {
  return defineTool({
    name: 'clock',
    description:
      'The current date and time (ISO 8601 UTC, Unix milliseconds, and local time in an optional IANA time zone such as "Europe/Paris").',
    input: z.object({ timeZone: z.string().optional() }),
    effects: {},
    run({ timeZone }) {
      const date = now();
      let local: string | undefined;
      if (timeZone) {
        try {
          local = new Intl.DateTimeFormat('en-CA', {
            timeZone,
            dateStyle: 'short',
            timeStyle: 'long',
            hourCycle: 'h23',
          }).format(date);
        } catch {
          throw new Error(
            `Unknown time zone ${JSON.stringify(timeZone)}: use an IANA name such as "America/New_York".`,
          );
        }
      }
      return { iso: date.toISOString(), unixMs: date.getTime(), ...(timeZone ? { timeZone, local } : {}) };
    },
  });
}
