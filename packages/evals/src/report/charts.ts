import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Summary } from '../summary.js';

/** One bar of the success chart: a model's success on a suite in percent, or n/a (`rate` null). */
export interface SuiteBar {
  suite: string;
  model: string;
  rate: number | null;
  low: number | null;
  high: number | null;
  /** `7/12`, or why there is no bar (`n/a: ... takes no audio input`). */
  label: string;
}

/** One bar of a per-model chart (latency, speed, memory, MTP), or n/a (`value` null). */
export interface ModelBar {
  model: string;
  value: number | null;
  /** A second value drawn as a tick (latency p95). */
  tick?: number | null;
  label: string;
}

const percent = (value: number | null | undefined) => (value == null ? null : value * 100);

/** Each suite x model of a run, in the order of the summary; a suite a model could not take is n/a. */
export function suiteBars(summary: Summary): SuiteBar[] {
  return Object.keys(summary.suites).flatMap((suite) =>
    Object.entries(summary.models).map(([model, result]) => {
      const rate = result.suites[suite];
      const notApplicable = result.notApplicable?.[suite];
      if (!rate || rate.scored === 0)
        return {
          suite,
          model,
          rate: null,
          low: null,
          high: null,
          label: notApplicable ? `n/a: ${notApplicable.reason}` : 'n/a: no case scored',
        };
      return {
        suite,
        model,
        rate: percent(rate.rate),
        low: percent(rate.wilson95?.[0]),
        high: percent(rate.wilson95?.[1]),
        label: `${rate.correct}/${rate.scored}${notApplicable ? ` (${notApplicable.count} n/a)` : ''}`,
      };
    }),
  );
}

const mebibytes = (bytes: number | null | undefined) => (bytes == null ? null : bytes / 2 ** 20);

/** The per-model measurements of a run, each as bars with n/a where a model reports nothing. */
export function modelMetrics(summary: Summary): Record<'latency' | 'speed' | 'memory' | 'mtp', ModelBar[]> {
  const models = Object.entries(summary.models);
  const bar = (model: string, value: number | null, label: (value: number) => string): ModelBar => ({
    model,
    value,
    label: value === null ? 'n/a' : label(value),
  });
  return {
    latency: models.map(([model, result]) => ({
      ...bar(model, result.latencyMs.p50, (value) => `p50 ${value.toFixed(0)} ms`),
      tick: result.latencyMs.p95,
    })),
    speed: models.map(([model, result]) =>
      bar(model, result.tokensPerSecond, (value) => `${value.toFixed(1)} tokens/s`),
    ),
    memory: models.map(([model, result]) =>
      bar(model, mebibytes(result.hostPeakRssBytes), (value) => `${value.toFixed(0)} MiB`),
    ),
    mtp: models.map(([model, result]) =>
      bar(model, percent(result.mtp?.acceptanceRate), (value) => `${value.toFixed(1)}%`),
    ),
  };
}

const axisStyle = { labelFontSize: 12, titleFontSize: 12 };

/** Grouped bars of success by suite and model, 95% Wilson intervals as error bars, "n/a" where no bar. */
function successSpec(bars: SuiteBar[], models: string[]): TopLevelSpec {
  const suites = [...new Set(bars.map((entry) => entry.suite))];
  const x = {
    field: 'suite',
    type: 'nominal',
    title: null,
    sort: suites,
    axis: { labelAngle: 0, ...axisStyle },
  } as const;
  const xOffset = { field: 'model', type: 'nominal', sort: models } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: Math.min(900, suites.length * (models.length * 34 + 40)),
    height: 240,
    data: { values: bars },
    config: { font: 'DejaVu Sans, Liberation Sans, sans-serif', view: { stroke: null } },
    encoding: { x, xOffset },
    layer: [
      {
        transform: [{ filter: 'datum.rate != null' }],
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: {
            field: 'rate',
            type: 'quantitative',
            title: 'success % (95% Wilson interval)',
            scale: { domain: [0, 100] },
            axis: axisStyle,
          },
          color: {
            field: 'model',
            type: 'nominal',
            scale: { domain: models },
            legend: { orient: 'top', title: null },
          },
        },
      },
      {
        transform: [
          { filter: 'datum.rate != null' },
          { calculate: "format(datum.rate, '.0f') + '%'", as: 'shown' },
        ],
        mark: { type: 'text', dy: -6, fontSize: 10, color: '#1f2933' },
        encoding: { y: { field: 'rate', type: 'quantitative' }, text: { field: 'shown' } },
      },
      {
        transform: [{ filter: 'datum.rate != null' }],
        mark: { type: 'rule', color: '#1f2933', strokeWidth: 1.5 },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        transform: [{ filter: 'datum.rate == null' }],
        mark: { type: 'text', dy: -8, fontSize: 11, color: '#52606d' },
        encoding: { y: { datum: 0, type: 'quantitative' }, text: { value: 'n/a' } },
      },
    ],
  } as TopLevelSpec;
}

/** Horizontal bars of one measurement per model, an optional tick (p95) and "n/a" where none. */
function modelSpec(bars: ModelBar[], models: string[], title: string): TopLevelSpec {
  const y = { field: 'model', type: 'nominal', title: null, axis: axisStyle, sort: models } as const;
  // With no value at all the axis would be a single 0: show an empty 0-1 axis under the n/a labels instead.
  const empty = bars.every((entry) => entry.value === null);
  const x = {
    field: 'value',
    type: 'quantitative',
    title,
    axis: empty ? { ...axisStyle, labels: false, ticks: false } : axisStyle,
    ...(empty ? { scale: { domain: [0, 1] } } : {}),
  } as const;
  const layer: unknown[] = [
    {
      transform: [{ filter: 'datum.value != null' }],
      mark: { type: 'bar', tooltip: true },
      encoding: { x, color: { field: 'model', type: 'nominal', scale: { domain: models }, legend: null } },
    },
    {
      transform: [{ filter: 'datum.value != null' }],
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
      encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
    },
    {
      transform: [{ filter: 'datum.value == null' }],
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#52606d' },
      encoding: { x: { datum: 0, type: 'quantitative' }, text: { value: 'n/a' } },
    },
  ];
  if (bars.some((entry) => entry.tick != null))
    layer.push({
      transform: [{ filter: 'datum.tick != null' }],
      mark: { type: 'tick', color: '#1f2933', thickness: 2 },
      encoding: { x: { field: 'tick', type: 'quantitative' } },
    });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 320,
    height: { step: 26 },
    data: { values: bars },
    config: { font: 'DejaVu Sans, Liberation Sans, sans-serif', view: { stroke: null } },
    encoding: { y },
    layer,
  } as TopLevelSpec;
}

/** Renders a Vega-Lite spec to an SVG string in this process (no browser, no canvas, no native module). */
async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface ReportCharts {
  success: string;
  latency: string;
  speed: string;
  memory: string;
  mtp: string;
}

/** The report's charts as inline SVG. */
export async function renderCharts(summary: Summary): Promise<ReportCharts> {
  const metrics = modelMetrics(summary);
  // One colour per model in every chart, in the order the models were given.
  const models = Object.keys(summary.models);
  const [success, latency, speed, memory, mtp] = await Promise.all([
    toSvg(successSpec(suiteBars(summary), models)),
    toSvg(modelSpec(metrics.latency, models, 'latency p50 in ms (tick: p95)')),
    toSvg(modelSpec(metrics.speed, models, 'decode tokens/s (mean)')),
    toSvg(modelSpec(metrics.memory, models, 'model host peak memory, MiB')),
    toSvg(modelSpec(metrics.mtp, models, 'MTP drafted tokens accepted, %')),
  ]);
  return { success, latency, speed, memory, mtp } as ReportCharts;
}
