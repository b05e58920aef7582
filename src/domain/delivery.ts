// Rules for sending to sources and partners: which answers are worth another
// attempt, how long to wait before it, and what to keep of a refusal.

export type RetryPolicy = { maxAttempts: number; baseMs: number; maxMs: number };

/** Worth another attempt: timeouts, throttling and server errors. Other 4xx are refusals. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Milliseconds to wait before attempt `attempt + 1`. A 429 or 503 with
 * Retry-After is obeyed (up to maxMs); otherwise exponential backoff with
 * "equal jitter": half the step fixed, half random, so retries spread out.
 */
export function retryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, "baseMs" | "maxMs">,
  answer: { status?: number; retryAfter?: string | null } = {},
  now: Date = new Date(),
  random: () => number = Math.random,
): number {
  if ((answer.status === 429 || answer.status === 503) && answer.retryAfter) {
    const wait = parseRetryAfter(answer.retryAfter, now);
    if (wait != null) return Math.min(wait, policy.maxMs);
  }
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from `now`; null when unreadable. */
export function parseRetryAfter(value: string, now: Date = new Date()): number | null {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return null;
  return Math.max(0, date - now.getTime());
}

const MAX_MESSAGE = 500;

/** A refusal's message as the other side put it: the JSON message or error if any, else the text. */
export function remoteErrorMessage(status: number, body: string): string {
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const candidate =
      parsed.message ??
      parsed.error_description ??
      parsed.error ??
      parsed.detail ??
      (Array.isArray(parsed.errors) ? ((parsed.errors[0] as { message?: unknown })?.message ?? parsed.errors[0]) : undefined);
    if (typeof candidate === "string") message = candidate;
    else if (candidate && typeof candidate === "object" && typeof (candidate as { message?: unknown }).message === "string") {
      message = (candidate as { message: string }).message;
    }
  } catch {
    // not JSON: keep the text
  }
  message = message.replace(/\s+/g, " ").slice(0, MAX_MESSAGE);
  return message ? `HTTP ${status}: ${message}` : `HTTP ${status}`;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A webhook retry schedule: comma-separated waits before each attempt, the
 * first usually 0 ("0, 5s, 5m, 30m, 2h"). Its length is the number of
 * attempts. Returns the waits in milliseconds, or why the text is not one.
 */
export function parseRetrySchedule(text: string): number[] | { problem: string } {
  const parts = text.split(",").map((part) => part.trim());
  const waits: number[] = [];
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(part);
    if (!match) return { problem: `"${part}" is not a duration (a number with ms, s, m, h or d)` };
    waits.push(Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? "ms"]!));
  }
  if (waits.length > 50) return { problem: "at most 50 attempts" };
  return waits;
}

/**
 * Milliseconds before attempt `attempt + 1` by the schedule, with up to ±20 %
 * jitter so retries of many deliveries spread out; null once the schedule is
 * spent. A 429 or 503 with Retry-After waits at least that long (at most a day).
 */
export function scheduledRetryDelayMs(
  schedule: readonly number[],
  attempt: number,
  answer: { status?: number; retryAfter?: string | null } = {},
  now: Date = new Date(),
  random: () => number = Math.random,
): number | null {
  const wait = schedule[attempt];
  if (wait === undefined) return null;
  const jittered = Math.round(wait * (0.8 + 0.4 * random()));
  const asked = (answer.status === 429 || answer.status === 503) && answer.retryAfter ? parseRetryAfter(answer.retryAfter, now) : null;
  return Math.max(jittered, Math.min(asked ?? 0, 86_400_000));
}

/**
 * What an endpoint's answer means for a webhook: any 2xx delivers, 410 Gone
 * asks to stop sending (the endpoint is disabled at once), anything else,
 * redirects included, is a failed attempt.
 */
export function webhookVerdict(status: number): "delivered" | "gone" | "failed" {
  if (status >= 200 && status < 300) return "delivered";
  return status === 410 ? "gone" : "failed";
}
