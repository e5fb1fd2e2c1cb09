import { defineAgent, type RunEnvironment } from '@hearth/core';
import { builtinTools } from '@hearth/tools';
import { z } from 'zod';

export const researchAnswerSchema = z.object({
  answer: z.string().max(800),
  sources: z.array(z.string().max(300)).max(5).describe('URLs or file paths the answer is based on'),
});
export type ResearchAnswer = z.infer<typeof researchAnswerSchema>;

/**
 * Hosts the research tools may reach: `$HEARTH_HTTP_ALLOW_HOSTS` (comma-separated), one list for
 * `http_fetch` and the browser. Unset: no `http_fetch`, and the browser reaches public hosts only
 * (the agent is served over MCP, so a loopback default would hand every client the local services).
 */
function allowedHosts(): string[] | undefined {
  const configured = process.env.HEARTH_HTTP_ALLOW_HOSTS?.split(',')
    .map((host) => host.trim())
    .filter(Boolean);
  return configured && configured.length > 0 ? configured : undefined;
}

/** The research agent's tools: the browser, HTTP fetch and the file tools (rooted at the run's workdir; clock and calculator left out). */
export function researchTools(environment: RunEnvironment) {
  const allowHosts = allowedHosts();
  return builtinTools({
    fsRoot: environment.workdir,
    ...(allowHosts ? { http: { allowHosts }, browser: { allowHosts } } : {}),
  }).filter(
    (tool) => tool.name.startsWith('browser_') || tool.name.startsWith('fs_') || tool.name === 'http_fetch',
  );
}

/**
 * Research: answers a question by reading web pages (browser: text and screenshots, which come back
 * to the model as images), fetching URLs, and reading or writing notes in the workdir (writes need
 * approval). Cites its sources.
 */
export const researchAgent = defineAgent({
  name: 'research',
  description: 'Answers a question from web pages, HTTP resources and local files, citing sources',
  instructions:
    'You research questions. Use browser_text to read pages and browser_screenshot to look at them, http_fetch for raw resources, ' +
    'and the fs_* tools to read local notes or save findings (fs_write). Cite every URL or file you relied on in "sources".',
  model: 'gemma-4-12b',
  mode: 'constrained',
  tools: researchTools,
  output: researchAnswerSchema,
  maxSteps: 6,
  toolTimeoutMs: 60_000,
});

export default researchAgent;
