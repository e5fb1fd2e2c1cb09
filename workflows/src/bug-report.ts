import {
  attachmentSchema,
  defineAgent,
  defineWorkflow,
  END,
  generateObject,
  type RunEnvironment,
  START,
} from '@hearth/core';
import { builtinTools } from '@hearth/tools';
import { z } from 'zod';
import { sampleSite, sampleSiteHost, sampleSiteUrl } from './sample-site.js';

/**
 * The workflow's tools: the browser (public hosts, plus the sample site it serves itself) and the
 * file system (rooted at the run's workdir).
 */
function bugReportTools(environment: RunEnvironment) {
  const wanted = new Set(['browser_text', 'browser_screenshot', 'fs_write']);
  return builtinTools({
    fsRoot: environment.workdir,
    browser: { sites: { [sampleSiteHost]: sampleSite } },
  }).filter((tool) => wanted.has(tool.name));
}

const triageSchema = z.object({
  title: z.string().min(1).max(80),
  summary: z.string().min(1).max(300),
  checks: z.array(z.string().min(1).max(120)).min(1).max(4).describe('what to inspect on the page'),
});
const findingsSchema = z.object({
  likelyCause: z.string().max(300),
  findings: z
    .array(z.object({ severity: z.enum(['low', 'medium', 'high']), finding: z.string().max(200) }))
    .max(5),
});

const stateSchema = z.object({
  /** The user's screenshot and spoken note; they reach the model as image and audio. */
  attachments: z.array(attachmentSchema).default([]),
  /** Optional typed note, besides the spoken one. */
  note: z.string().default(''),
  /**
   * Page to inspect (public hosts only: loopback, private and link-local addresses are refused);
   * default: the bundled sample sign-in page, which the browser serves itself.
   */
  url: z.string().optional(),
  /** Directory (inside the workdir) for the report file. */
  reportDir: z.string().default('reports'),
  triage: triageSchema.optional(),
  reportPath: z.string().optional(),
  /** Filled by the two inspection nodes, which run in parallel. */
  pageUrl: z.string().optional(),
  pageText: z.string().optional(),
  pageScreenshot: attachmentSchema.optional(),
  inspectionErrors: z.array(z.string()).default([]),
  analysis: findingsSchema.optional(),
  written: z.boolean().default(false),
});
type BugState = z.infer<typeof stateSchema>;

/** Inspects the page after looking at the new screenshot; may use the browser again (bounded). */
const analyst = defineAgent({
  name: 'bug-analyst',
  instructions:
    'You analyse a bug report. You see the user screenshot, hear their voice note, and see a fresh screenshot of the page. ' +
    'Use the browser if you need another look. Then list the findings and the likely cause.',
  mode: 'constrained',
  tools: (environment) => bugReportTools(environment).filter((tool) => tool.name.startsWith('browser_')),
  output: findingsSchema,
  maxSteps: 3,
});

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'report';

function reportMarkdown(state: BugState): string {
  const triage = state.triage;
  const lines = [
    `# ${triage?.title ?? 'Bug report'}`,
    '',
    `Filed ${new Date().toISOString()} by the Hearth bug-report workflow.`,
    '',
    '## Summary',
    triage?.summary ?? '(none)',
    ...(state.note ? ['', `Typed note: ${state.note}`] : []),
    '',
    `Attachments: ${state.attachments.map((a) => `${a.kind} ${a.name ?? ''}`.trim()).join(', ') || 'none'}`,
    '',
    '## Plan',
    ...(triage?.checks ?? []).map((check, i) => `${i + 1}. ${check}`),
    '',
    '## Page inspection',
    `URL: ${state.pageUrl ?? '(not inspected)'}`,
    `Screenshot taken: ${state.pageScreenshot ? 'yes' : 'no'}`,
    ...state.inspectionErrors.map((error) => `Inspection problem: ${error}`),
    '',
    '```text',
    (state.pageText ?? '').slice(0, 1500),
    '```',
    '',
    '## Findings',
    ...(state.analysis?.findings ?? []).map((f) => `- **${f.severity}**: ${f.finding}`),
    '',
    `Likely cause: ${state.analysis?.likelyCause ?? '(unknown)'}`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Bug report: a screenshot and a spoken note -> a plan of what to check (decoded under a schema) ->
 * the page inspected with the browser tool (text + a new screenshot) -> an analyst agent that sees
 * both screenshots as images -> a markdown report written with the fs tool. The deterministic nodes
 * do the inspection and the writing, so the report exists even when the model is weak; the model
 * fills in the text.
 */
export const bugReportWorkflow = defineWorkflow({
  name: 'bug-report',
  description: 'Screenshot + voice note -> plan -> browser inspection -> findings -> report file',
  model: 'gemma-4-12b',
  tools: bugReportTools,
  state: stateSchema,
  reducers: { inspectionErrors: (current, update) => [...current, ...update] },
  input: stateSchema.pick({ attachments: true, note: true, url: true, reportDir: true }),
  nodes: {
    plan: {
      run: async (state, ctx) => {
        const { object: triage } = await generateObject({
          engine: ctx.engine(),
          schema: triageSchema,
          name: 'triage',
          system:
            'You turn a user bug report (a screenshot and a voice note) into a title, a summary and a short list of checks. Reply with JSON.',
          prompt: `Typed note: ${state.note || '(none)'}. Plan the investigation.`,
          attachments: state.attachments,
          fallback: {
            title: 'Bug report',
            summary: state.note || 'See the attached screenshot and voice note.',
            checks: ['Load the page and look for errors'],
          },
          onToken: ctx.onToken,
          signal: ctx.signal,
        });
        ctx.emit({
          type: 'plan',
          plan: { steps: triage.checks.map((task, i) => ({ id: `c${i + 1}`, task, dependsOn: [] })) },
          revision: 1,
        });
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        return { triage, reportPath: `${state.reportDir}/bug-report-${stamp}-${slug(triage.title)}.md` };
      },
    },
    inspectText: {
      retry: { maxAttempts: 2, initialIntervalMs: 200 },
      timeoutMs: 90_000,
      run: async (state, ctx) => {
        const url = state.url ?? sampleSiteUrl;
        const outcome = await ctx.callTool('browser_text', { url });
        if (outcome.isError) return { pageUrl: url, inspectionErrors: [`browser_text: ${outcome.text}`] };
        const page = outcome.structured as { title?: string; text?: string } | undefined;
        return { pageUrl: url, pageText: `${page?.title ?? ''}\n${page?.text ?? outcome.text}`.trim() };
      },
    },
    inspectScreenshot: {
      retry: { maxAttempts: 2, initialIntervalMs: 200 },
      timeoutMs: 90_000,
      run: async (state, ctx) => {
        const url = state.url ?? sampleSiteUrl;
        const outcome = await ctx.callTool('browser_screenshot', { url });
        const screenshot = outcome.media.find((media) => media.kind === 'image');
        if (outcome.isError || !screenshot)
          return { inspectionErrors: [`browser_screenshot: ${outcome.text}`] };
        return { pageScreenshot: { ...screenshot, name: 'page-screenshot.png' } };
      },
    },
    analyze: {
      target: analyst,
      input: (state) => ({
        prompt:
          `Bug: ${state.triage?.title}. ${state.triage?.summary}\nChecks: ${state.triage?.checks.join('; ')}\n` +
          `Page ${state.pageUrl} text:\n${(state.pageText ?? '').slice(0, 1500)}`,
        attachments: [...state.attachments, ...(state.pageScreenshot ? [state.pageScreenshot] : [])],
      }),
      output: (result) => ({
        analysis: result.answer ?? { likelyCause: 'the analyst gave no usable answer', findings: [] },
      }),
    },
    write: {
      tool: 'fs_write',
      // No pause here: the workflow fixes this write, and whoever starts the workflow consents to it.
      // The write still counts in the workflow's effects, so a caller that is not a person (an MCP
      // client) is asked before the workflow starts, or refused.
      approval: false,
      args: (state) =>
        fsWriteArgs(state.reportPath ?? `${state.reportDir}/bug-report.md`, reportMarkdown(state)),
      output: (outcome) => {
        if (outcome.isError) throw new Error(`could not write the report: ${outcome.text}`);
        return { written: true };
      },
    },
  },
  edges: [
    { from: START, to: 'plan' },
    // The page's text and its screenshot are taken in parallel; analyze waits for both.
    { from: 'plan', to: ['inspectText', 'inspectScreenshot'] },
    { from: 'inspectText', to: 'analyze' },
    { from: 'inspectScreenshot', to: 'analyze' },
    { from: 'analyze', to: 'write' },
    { from: 'write', to: END },
  ],
  output: (state) => ({
    reportPath: state.reportPath ?? null,
    written: state.written,
    title: state.triage?.title ?? null,
    plan: {
      steps: (state.triage?.checks ?? []).map((task, i) => ({ id: `c${i + 1}`, task, dependsOn: [] })),
    },
    page: {
      url: state.pageUrl ?? null,
      text: (state.pageText ?? '').slice(0, 500),
      screenshot: Boolean(state.pageScreenshot),
      problems: state.inspectionErrors,
    },
    analysis: state.analysis ?? null,
  }),
});

/** Arguments of the fs_write tool. */
function fsWriteArgs(path: string, content: string): Record<string, unknown> {
  return { path, content };
}

export default bugReportWorkflow;
