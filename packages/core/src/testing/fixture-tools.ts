import { z } from 'zod';
import { defineTool } from '../tools/define-tool.js';

/** Tools with awkward behaviour for server/client tests: slow with progress, hanging, crashing the process. */
export const slowTool = defineTool({
  name: 'slow',
  description: 'Counts to `steps`, reporting progress, 20 ms per step.',
  input: z.object({ steps: z.number().int().min(1).max(100) }),
  async run({ steps }, { reportProgress, signal }) {
    for (let i = 1; i <= steps; i++) {
      signal.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, 20));
      reportProgress(i, steps, `step ${i}`);
    }
    return `counted to ${steps}`;
  },
});

export const hangTool = defineTool({
  name: 'hang',
  description: 'Never finishes unless aborted; records the abort.',
  input: z.object({}),
  run: (_input, { signal }) =>
    new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        hangTool.aborts = (hangTool.aborts ?? 0) + 1;
        reject(signal.reason);
      });
    }),
}) as ReturnType<typeof defineTool> & { aborts?: number };

export const pidTool = defineTool({
  name: 'pid',
  description: 'The server process id.',
  input: z.object({}),
  run: () => String(process.pid),
});

export const exitTool = defineTool({
  name: 'exit_process',
  description: 'Kills the server process (to test client reconnects).',
  input: z.object({}),
  run: () => {
    setTimeout(() => process.exit(0), 10);
    return 'bye';
  },
});

export const fixtureTools = [slowTool, pidTool, exitTool];
