// @hearth/tracing/testing: a real OTLP/HTTP endpoint for tests of traced runs.
export { type OtlpReceiver, startOtlpReceiver } from './otlp-receiver.js';
