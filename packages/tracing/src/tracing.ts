import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { RunTrace, type TracedRun } from './run-trace.js';

export interface TracingOptions {
  /** Where settings are read (default `process.env`): `OTEL_EXPORTER_OTLP_ENDPOINT`, `HEARTH_TRACE_CONTENT`. */
  env?: Record<string, string | undefined>;
  /** Put prompts, replies, tool arguments and results in spans (default: `HEARTH_TRACE_CONTENT=1`). */
  captureContent?: boolean;
  /** More exporters, each sent every span as it ends (a UI's live timeline, a test's memory). */
  exporters?: SpanExporter[];
}

/** The OTLP/HTTP traces URL the environment names, or undefined when none is set (then nothing is sent). */
export function otlpTracesUrl(env: Record<string, string | undefined>): string | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/** `OTEL_EXPORTER_OTLP_HEADERS` / `..._TRACES_HEADERS`: `key=value` pairs, comma-separated, URL-encoded. */
export function otlpHeaders(env: Record<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const list of [env.OTEL_EXPORTER_OTLP_HEADERS, env.OTEL_EXPORTER_OTLP_TRACES_HEADERS])
    for (const pair of (list ?? '').split(',')) {
      const at = pair.indexOf('=');
      if (at > 0)
        headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
    }
  return headers;
}

/** Remembers the first failed export, so the run can say its spans did not arrive. */
class ReportingExporter implements SpanExporter {
  failure: string | undefined;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS)
        this.failure ??= result.error?.message ?? 'the export failed';
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * Tracing for runs in this process: spans go to the OTLP/HTTP endpoint the environment names (JSON
 * over HTTP, batched) and to any extra exporters. {@link startTracing} returns none when there is
 * nowhere to send spans, so a run without tracing pays nothing.
 */
export class Tracing {
  readonly captureContent: boolean;
  /** The OTLP/HTTP URL spans are sent to, if any. */
  readonly url: string | undefined;
  private readonly provider: BasicTracerProvider;
  private readonly otlp: ReportingExporter | undefined;

  constructor(options: TracingOptions & { url?: string | undefined }) {
    const env = options.env ?? process.env;
    this.captureContent = options.captureContent ?? env.HEARTH_TRACE_CONTENT === '1';
    this.url = options.url;
    const processors: SpanProcessor[] = [];
    if (this.url) {
      this.otlp = new ReportingExporter(new OTLPTraceExporter({ url: this.url, headers: otlpHeaders(env) }));
      processors.push(new BatchSpanProcessor(this.otlp));
    }
    for (const exporter of options.exporters ?? []) processors.push(new SimpleSpanProcessor(exporter));
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? 'hearth' }),
      spanProcessors: processors,
    });
  }

  /** Starts the spans of one run call; feed it the run's events and give the run its traced engine. */
  startRun(run: TracedRun): RunTrace {
    return new RunTrace(this.provider.getTracer('@hearth/tracing'), run, this.captureContent);
  }

  /**
   * Sends what is left and stops. Resolves to why spans could not be sent to the endpoint, if they
   * could not (a tracing backend that is down must not fail the run: the caller reports it).
   */
  async shutdown(): Promise<string | undefined> {
    try {
      await this.provider.shutdown();
    } catch (error) {
      // The batch's last export rejects the shutdown when the endpoint cannot be reached.
      if (this.otlp) this.otlp.failure ??= (error as Error).message;
      else throw error;
    }
    return this.otlp?.failure && `could not send spans to ${this.url}: ${this.otlp.failure}`;
  }
}

/** Tracing as the environment asks for it, or undefined when no endpoint and no exporter is given. */
export function startTracing(options: TracingOptions = {}): Tracing | undefined {
  const url = otlpTracesUrl(options.env ?? process.env);
  if (!url && !options.exporters?.length) return undefined;
  return new Tracing({ ...options, url });
}
