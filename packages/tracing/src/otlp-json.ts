/** A span as it arrives over OTLP/HTTP JSON, with its attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Absent for a trace's root span. */
  parentSpanId?: string;
  name: string;
  /** Unix epoch milliseconds. */
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  /** `error` with its message when the span failed. */
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
}

/** OTLP's `AnyValue` as JSON: one of these keys is set. */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}

function plainValue(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plainValue);
  return undefined;
}

const attributesOf = (list: KeyValue[] | undefined) =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, plainValue(value)]));

/** Nanoseconds as OTLP JSON sends them (a decimal string) to milliseconds. */
const millis = (nanos: string | number | undefined) => Number(BigInt(nanos ?? 0) / 1000n) / 1000;

const statusCodes = { 0: 'unset', 1: 'ok', 2: 'error' } as const;

/**
 * The spans in an OTLP/HTTP JSON export request (`ExportTraceServiceRequest`, as
 * `@opentelemetry/exporter-trace-otlp-http` sends it), flattened across resources and scopes.
 */
export function spansFromOtlpJson(body: unknown): ReceivedSpan[] {
  const request = body as {
    resourceSpans?: { scopeSpans?: { spans?: Record<string, unknown>[] }[] }[];
  };
  return (request.resourceSpans ?? []).flatMap((resource) =>
    (resource.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => {
        const status = span.status as { code?: 0 | 1 | 2; message?: string } | undefined;
        return {
          traceId: String(span.traceId),
          spanId: String(span.spanId),
          ...(span.parentSpanId ? { parentSpanId: String(span.parentSpanId) } : {}),
          name: String(span.name),
          startMs: millis(span.startTimeUnixNano as string),
          endMs: millis(span.endTimeUnixNano as string),
          attributes: attributesOf(span.attributes as KeyValue[]),
          status: {
            code: statusCodes[status?.code ?? 0],
            ...(status?.message ? { message: status.message } : {}),
          },
          events: ((span.events as Record<string, unknown>[] | undefined) ?? []).map((event) => ({
            name: String(event.name),
            timeMs: millis(event.timeUnixNano as string),
            attributes: attributesOf(event.attributes as KeyValue[]),
          })),
        };
      }),
    ),
  );
}
