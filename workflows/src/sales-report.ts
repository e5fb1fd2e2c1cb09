import { defineAgent, defineWorkflow, END, fanOut, type RunEnvironment, START } from '@hearth/core';
import { builtinTools } from '@hearth/tools';
import { z } from 'zod';

/** Example data: units sold and unit price per region and month. */
export const sampleSalesCsv = `region,month,units,unit_price
north,2026-07,120,9.5
north,2026-08,95,9.5
south,2026-07,80,12
south,2026-08,130,11
east,2026-07,60,15
east,2026-08,75,15
west,2026-07,150,8
west,2026-08,40,8`;

const rowSchema = z.object({
  region: z.string(),
  month: z.string(),
  units: z.number(),
  unitPrice: z.number(),
});
type SalesRow = z.infer<typeof rowSchema>;
const summarySchema = z.object({
  headline: z.string().min(1).max(120),
  highlights: z.array(z.string().max(160)).max(3),
});

/** Parses the CSV; each problem names its line, so bad input is easy to fix. */
export function parseSalesCsv(csv: string): SalesRow[] {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const expected = 'region,month,units,unit_price';
  if (header?.replace(/\s/g, '') !== expected)
    throw new Error(`sales CSV: the header must be "${expected}", got "${header}"`);
  return lines.map((line, i) => {
    const [region, month, units, price] = line.split(',').map((cell) => cell.trim());
    const row = { region: region ?? '', month: month ?? '', units: Number(units), unitPrice: Number(price) };
    if (!row.region || !row.month || !Number.isFinite(row.units) || !Number.isFinite(row.unitPrice))
      throw new Error(
        `sales CSV line ${i + 2}: expected region,month,units,unit_price with numbers, got "${line}"`,
      );
    return row;
  });
}

function salesTools(environment: RunEnvironment) {
  return builtinTools({ fsRoot: environment.workdir }).filter(
    (tool) => tool.name === 'calculator' || tool.name === 'fs_write',
  );
}

const analyst = defineAgent({
  name: 'sales-analyst',
  instructions:
    'You summarise sales figures for a manager: a one-line headline and up to three highlights. Use the calculator for any arithmetic.',
  mode: 'constrained',
  tools: (environment) => salesTools(environment).filter((tool) => tool.name === 'calculator'),
  output: summarySchema,
  maxSteps: 3,
});

const stateSchema = z.object({
  csv: z.string().default(sampleSalesCsv),
  reportPath: z.string().default('reports/sales-report.md'),
  rows: z.array(rowSchema).default([]),
  /** Revenue per region, filled in parallel (one task per region). */
  revenue: z.record(z.string(), z.number()).default({}),
  /** Set on the per-region task's own input (fan-out), not in the main state. */
  region: z.string().optional(),
  ranking: z.array(z.object({ region: z.string(), revenue: z.number(), share: z.number() })).default([]),
  summary: summarySchema.optional(),
  written: z.boolean().default(false),
});
type SalesState = z.infer<typeof stateSchema>;

function table(state: SalesState): string {
  return [
    '| region | revenue | share |',
    '|---|---:|---:|',
    ...state.ranking.map((r) => `| ${r.region} | ${r.revenue.toFixed(2)} | ${(r.share * 100).toFixed(1)}% |`),
  ].join('\n');
}

/**
 * Multi-step data task: parse a sales CSV -> compute each region's revenue in parallel with the
 * calculator tool (fan-out, one task per region) -> rank (join) -> an analyst agent writes the
 * headline -> the report is written with the fs tool.
 */
export const salesReportWorkflow = defineWorkflow({
  name: 'sales-report',
  description:
    'Sales CSV -> per-region revenue in parallel (calculator) -> ranking -> summary -> report file',
  model: 'gemma-4-12b',
  tools: salesTools,
  state: stateSchema,
  input: stateSchema.pick({ csv: true, reportPath: true }),
  reducers: { revenue: (current, update) => ({ ...current, ...update }) },
  nodes: {
    parse: { run: (state) => ({ rows: parseSalesCsv(state.csv) }) },
    regionRevenue: {
      retry: { maxAttempts: 2, initialIntervalMs: 100 },
      run: async (state, ctx) => {
        const region = state.region as string;
        const terms = state.rows
          .filter((row) => row.region === region)
          .map((row) => `${row.units}*${row.unitPrice}`);
        const outcome = await ctx.callTool('calculator', calculatorArgs(terms.join(' + ')));
        const value = Number(outcome.structured?.result ?? outcome.text);
        if (outcome.isError || !Number.isFinite(value))
          throw new Error(`calculator failed for ${region}: ${outcome.text}`);
        return { revenue: { [region]: value } };
      },
    },
    rank: {
      run: (state) => {
        const total = Object.values(state.revenue).reduce((sum, value) => sum + value, 0);
        const ranking = Object.entries(state.revenue)
          .map(([region, revenue]) => ({ region, revenue, share: total > 0 ? revenue / total : 0 }))
          .sort((a, b) => b.revenue - a.revenue);
        return { ranking };
      },
    },
    summarize: {
      target: analyst,
      input: (state) => ({
        prompt: `Revenue by region (two months):\n${table(state)}\nWrite the headline and highlights.`,
      }),
      output: (result, state) => ({
        summary: result.answer ?? {
          headline: `${state.ranking[0]?.region ?? 'no region'} leads on revenue`,
          highlights: [],
        },
      }),
    },
    write: {
      tool: 'fs_write',
      // No pause here: the workflow fixes this write, and whoever starts the workflow consents to it.
      // The write still counts in the workflow's effects, so a caller that is not a person (an MCP
      // client) is asked before the workflow starts, or refused.
      approval: false,
      args: (state) =>
        fsWriteArgs(
          state.reportPath,
          `# ${state.summary?.headline}\n\n${table(state)}\n\n${(state.summary?.highlights ?? []).map((h) => `- ${h}`).join('\n')}\n`,
        ),
      output: (outcome) => {
        if (outcome.isError) throw new Error(`could not write the report: ${outcome.text}`);
        return { written: true };
      },
    },
  },
  edges: [
    { from: START, to: 'parse' },
    {
      from: 'parse',
      route: (state) =>
        [...new Set(state.rows.map((row) => row.region))].map((region) =>
          fanOut('regionRevenue', { ...state, region }),
        ),
      targets: ['regionRevenue'],
    },
    { from: 'regionRevenue', to: 'rank' },
    { from: 'rank', to: 'summarize' },
    { from: 'summarize', to: 'write' },
    { from: 'write', to: END },
  ],
  output: (state) => ({
    revenue: state.revenue,
    ranking: state.ranking,
    summary: state.summary ?? null,
    reportPath: state.reportPath,
    written: state.written,
  }),
});

/** Arguments of the calculator tool. */
function calculatorArgs(expression: string): Record<string, unknown> {
  return { expression };
}

/** Arguments of the fs_write tool. */
function fsWriteArgs(path: string, content: string): Record<string, unknown> {
  return { path, content };
}

export default salesReportWorkflow;
