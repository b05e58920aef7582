// OpenTelemetry: one trace per request, with its phases, its SQL statements
// (text, never values) and, for work it queued, a trace of that work's own
// linked back to it. Spans are read from an in-memory exporter.
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing, type Tracing } from "../src/tracing.js";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { eventually, outboundConfig } from "./outbound-helpers.js";
import type { StandIn } from "./stand-ins/http-stand-in.js";
import { startReceiver } from "./stand-ins/webhook-receiver.js";

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let gw: TestGateway;
let receiver: StandIn;

beforeAll(async () => {
  tracing = startTracing({ serviceName: "order-gateway-test", exporter });
  gw = await createTestGateway({ ...outboundConfig(), tracing: { enabled: true, serviceName: "order-gateway-test" } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await gw?.close();
  await receiver?.close();
  await tracing?.shutdown();
});

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

async function tracedRequest(query: string, variables: Record<string, unknown> = {}) {
  const response = await gw.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${gw.key}`,
      traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`,
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

const inTrace = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("tracing", () => {
  it("gives a request one trace: the request, parse, validate, execute and each SQL statement, without values", async () => {
    exporter.reset();
    const created = await tracedRequest(
      `mutation($email: String!) { createOrder(input: { number: "T-1", email: $email }) { order { id } errors { code } } }`,
      { email: "traced.secret@example.com" },
    );
    expect(created.data.createOrder.errors).toEqual([]);
    const spans = await eventually(() => {
      const found = inTrace(TRACE_ID);
      expect(found.map((span) => span.name)).toContain("POST /graphql");
      return found;
    });
    const request = spans.find((span) => span.name === "POST /graphql")!;
    // The caller's traceparent is continued: the request span is its child.
    expect(parentOf(request)).toBe(CALLER_SPAN);
    for (const phase of ["graphql.parse", "graphql.validate", "graphql.execute"]) {
      const span = spans.find((candidate) => candidate.name === phase);
      expect(span, phase).toBeDefined();
      expect(parentOf(span!)).toBe(request.spanContext().spanId);
    }
    const statements = spans.filter((span) => span.name === "sql");
    expect(statements.length).toBeGreaterThan(0);
    const execute = spans.find((span) => span.name === "graphql.execute")!;
    const within = (span: ReadableSpan, outer: ReadableSpan) =>
      span.startTime[0] * 1e9 + span.startTime[1] >= outer.startTime[0] * 1e9 + outer.startTime[1];
    // The API key's lookup runs before the operation; the order's insert within it.
    const insert = statements.find((span) => /insert into "order"/i.test(String(span.attributes["db.query.text"])));
    expect(insert).toBeDefined();
    expect(within(insert!, execute)).toBe(true);
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain("traced.secret@example.com");
  });

  it("traces a webhook delivery on its own, linked to the request that queued it, with its outbound call", async () => {
    const endpoint = await gw.graphql(
      `mutation($url: String!) { createWebhookEndpoint(url: $url, topics: [ORDER_CREATED]) { errors { code } } }`,
      { url: `${receiver.url}/hooks` },
    );
    expect(endpoint.data.createWebhookEndpoint.errors).toEqual([]);
    exporter.reset();
    await tracedRequest(`mutation { createOrder(input: { number: "T-2" }) { errors { code } } }`);
    await receiver.waitForRequests(1);
    const delivery = await eventually(() => {
      const found = exporter.getFinishedSpans().find((span) => span.name === "webhook.deliver");
      expect(found).toBeDefined();
      return found!;
    });
    expect(delivery.spanContext().traceId).not.toBe(TRACE_ID);
    expect(delivery.links.map((link) => link.context.traceId)).toEqual([TRACE_ID]);
    const outbound = await eventually(() => {
      const found = inTrace(delivery.spanContext().traceId).find((span) => span.attributes["http.request.method"] === "POST");
      expect(found).toBeDefined();
      return found!;
    });
    expect(parentOf(outbound)).toBe(delivery.spanContext().spanId);
    expect(String(outbound.attributes["url.full"])).toBe(`${receiver.url}/hooks`);
  });
});
