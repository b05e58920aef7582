// Shared by the outbound tests: a gateway with fast retries, and polling.
import type { Config } from "../src/config.js";
import { testConfig } from "./helpers.js";

/** Test timings: attempts 100 ms apart growing to 3 s (webhooks: 0, 100 ms, 300 ms), jobs polled every half second, 5 s to answer. */
export function outboundConfig(outbound: Partial<Config["outbound"]> = {}, jobs: Partial<Config["jobs"]> = {}): Config {
  const base = testConfig();
  return testConfig({
    outbound: {
      ...base.outbound,
      retryBaseMs: 100,
      retryMaxMs: 3000,
      maxAttempts: 3,
      webhookSchedule: [0, 100, 300],
      timeoutMs: 5000,
      ...outbound,
    },
    jobs: { ...base.jobs, pollSeconds: 0.5, ...jobs },
  });
}

/** Retries `check` (which throws until satisfied) for up to `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
