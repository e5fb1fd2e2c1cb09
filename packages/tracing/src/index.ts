// @hearth/tracing: OpenTelemetry spans for Hearth runs (run, node, model call, tool call) with the GenAI
// semantic conventions, built from the run's events and its engine, so @hearth/core knows no OpenTelemetry.
export { genAi } from './genai-attributes.js';
export { type ReceivedSpan, spansFromOtlpJson } from './otlp-json.js';
export { RunTrace, type TracedOutcome, type TracedRun } from './run-trace.js';
export { otlpHeaders, otlpTracesUrl, startTracing, Tracing, type TracingOptions } from './tracing.js';
