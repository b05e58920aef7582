// OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (the
// standard variables configure the exporter). One trace per request: a
// server span, with spans for parsing, validating and executing the
// operation (Yoga's own instrumentation hooks), one per SQL statement (the
// store's executor, the one door every statement goes through, on PostgreSQL
// and PGlite alike; the text without values), and one per outbound call
// (undici's instrumentation). Work the request queued (a webhook delivery, a
// source write) gets a trace of its own, linked to the request's.
import {
  type Context,
  context,
  type Link,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Plugin } from "graphql-yoga";

const tracer = trace.getTracer("order-gateway");

export type Tracing = { shutdown(): Promise<void> };

/**
 * Starts tracing for the process: OTLP over HTTP by default, or `exporter`
 * (tests pass an in-memory one, exported span by span).
 */
export function startTracing(options: { serviceName: string; exporter?: SpanExporter }): Tracing {
  const processor = options.exporter
    ? new SimpleSpanProcessor({ exporter: options.exporter })
    : new BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [processor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new UndiciInstrumentation()] });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

type SpanOptions = { kind?: SpanKind; attributes?: Record<string, string>; links?: Link[] };

/** Runs `work` in a span that ends when it settles, recording a thrown error; spans started within are its children. */
function inSpan<T>(name: string, options: SpanOptions, work: () => T): T {
  return tracer.startActiveSpan(name, options, (span) => measured(span, work));
}

/**
 * The same for work that starts no spans of its own (a statement, parsing,
 * validating): the span is not made the active one, which saves switching
 * the async context twice per span.
 */
function inLeafSpan<T>(name: string, options: SpanOptions, work: () => T): T {
  return measured(tracer.startSpan(name, options), work);
}

function measured<T>(span: Span, work: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    throw error;
  };
  try {
    const result = work();
    // Yoga's hooks may hand back any thenable, not only a Promise.
    if (typeof (result as { then?: unknown } | null)?.then === "function") {
      return Promise.resolve(result).then((value) => {
        span.end();
        return value;
      }, fail) as T;
    }
    span.end();
    return result;
  } catch (error) {
    return fail(error);
  }
}

/** A span for one SQL statement: the text (parameters are never in it), no values. */
export function traceStatement<T>(text: string, work: () => Promise<T>): Promise<T> {
  if (!trace.getSpan(context.active())) return work(); // outside any trace (startup, untraced work): nothing to add to
  return inLeafSpan("sql", { kind: SpanKind.CLIENT, attributes: { "db.system.name": "postgresql", "db.query.text": text } }, work);
}

/** The active trace as a `traceparent` header, for work queued now; null when not tracing. */
export function currentTraceParent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** Runs queued work in a trace of its own, linked to the trace that queued it. */
export function traceQueuedWork<T>(name: string, traceParent: string | null, work: () => Promise<T>): Promise<T> {
  const links: Link[] = [];
  if (traceParent) {
    const queuedBy = trace.getSpanContext(propagation.extract(context.active(), { traceparent: traceParent }));
    if (queuedBy) links.push({ context: queuedBy });
  }
  // A new root: the request that queued the work has long ended.
  return context.with(trace.deleteSpan(context.active()), () => inSpan(name, { kind: SpanKind.CONSUMER, links }, work));
}

/** A traceparent read from a request's headers as they are. */
const HEADERS: TextMapGetter<Headers> = { get: (headers, key) => headers.get(key) ?? undefined, keys: (headers) => [...headers.keys()] };

/** Yoga's instrumentation hooks as spans: the request (continuing a caller's traceparent), parse, validate, execute. */
export function tracingPlugin(): Plugin {
  const phase =
    (name: string, leaf = false) =>
    (_payload: unknown, wrapped: () => unknown): unknown =>
      (leaf ? inLeafSpan : inSpan)(name, {}, wrapped);
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const parent: Context = propagation.extract(context.active(), request.headers, HEADERS);
        const path = new URL(request.url).pathname;
        return context.with(parent, () =>
          inSpan(
            `${request.method} ${path}`,
            { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method, "url.path": path } },
            wrapped,
          ),
        ) as Promise<void>;
      },
      parse: phase("graphql.parse", true) as never,
      validate: phase("graphql.validate", true) as never,
      execute: phase("graphql.execute") as never,
      subscribe: phase("graphql.subscribe") as never,
    },
  };
}
