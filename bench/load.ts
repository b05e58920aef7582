// Fixed concurrency for a fixed time against one server (autocannon).
import autocannon from "autocannon";
import type { RequestSpec } from "./workloads.js";

export type LoadResult = { requestsPerSecond: number; p50: number; p99: number; errors: number; requests: number };

export async function load(
  base: string,
  spec: RequestSpec,
  options: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const headers = { "content-type": "application/json", ...options.headers };
  const result = await autocannon({
    url: base + spec.path,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers,
        setupRequest: (request) => (spec.body ? { ...request, body: spec.body() } : request),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    requests: result.requests.total,
  };
}

/** One request, for checking a workload's answer before loading it. */
export async function once(base: string, spec: RequestSpec, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(base + spec.path, {
    method: spec.method,
    headers: { "content-type": "application/json", ...headers },
    body: spec.body?.(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} from ${base}${spec.path}: ${text.slice(0, 500)}`);
  const json = JSON.parse(text);
  if (json.errors) throw new Error(`errors from ${base}${spec.path}: ${JSON.stringify(json.errors).slice(0, 500)}`);
  return json;
}
