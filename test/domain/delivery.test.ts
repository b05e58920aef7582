import { describe, expect, it } from "vitest";
import {
  isRetryableStatus,
  parseRetryAfter,
  parseRetrySchedule,
  remoteErrorMessage,
  retryDelayMs,
  scheduledRetryDelayMs,
  webhookVerdict,
} from "../../src/domain/delivery.js";

describe("delivery rules", () => {
  it("retries throttling, timeouts and server errors, not other refusals", () => {
    expect([408, 425, 429, 500, 502, 503].map(isRetryableStatus)).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 404, 409, 422].map(isRetryableStatus)).toEqual([false, false, false, false, false]);
  });

  it("backs off exponentially with jitter, capped", () => {
    const policy = { baseMs: 1000, maxMs: 10_000 };
    expect(retryDelayMs(1, policy, {}, new Date(), () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, {}, new Date(), () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, {}, new Date(), () => 0)).toBe(2000);
    expect(retryDelayMs(3, policy, {}, new Date(), () => 1)).toBe(4000);
    expect(retryDelayMs(20, policy, {}, new Date(), () => 1)).toBe(10_000);
  });

  it("obeys Retry-After on 429 and 503 only", () => {
    const policy = { baseMs: 1000, maxMs: 60_000 };
    expect(retryDelayMs(1, policy, { status: 429, retryAfter: "7" }, new Date(), () => 0)).toBe(7000);
    expect(retryDelayMs(1, policy, { status: 503, retryAfter: "120" }, new Date(), () => 0)).toBe(60_000);
    expect(retryDelayMs(1, policy, { status: 500, retryAfter: "7" }, new Date(), () => 0)).toBe(500);
    const now = new Date("2026-11-23T10:00:00Z");
    expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeNull();
  });

  it("keeps the other side's message", () => {
    expect(remoteErrorMessage(422, '{"message":"Order has already shipped"}')).toBe("HTTP 422: Order has already shipped");
    expect(remoteErrorMessage(400, '{"errors":[{"message":"email is invalid"}]}')).toBe("HTTP 400: email is invalid");
    expect(remoteErrorMessage(409, "conflict\n")).toBe("HTTP 409: conflict");
    expect(remoteErrorMessage(404, "")).toBe("HTTP 404");
    expect(remoteErrorMessage(400, "x".repeat(2000)).length).toBeLessThan(520);
  });
});

describe("webhook retry schedule", () => {
  it("reads durations with their units, the length being the attempts", () => {
    expect(parseRetrySchedule("0, 5s, 5m, 30m, 2h, 5h, 10h, 10h")).toEqual([
      0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(parseRetrySchedule("0,250ms,1.5s,1d")).toEqual([0, 250, 1500, 86_400_000]);
    expect(parseRetrySchedule("0, soon")).toEqual({ problem: '"soon" is not a duration (a number with ms, s, m, h or d)' });
    expect(parseRetrySchedule("")).toEqual({ problem: '"" is not a duration (a number with ms, s, m, h or d)' });
  });

  it("waits the scheduled time within ±20 %, and stops when the schedule is spent", () => {
    const schedule = [0, 5000, 300_000];
    expect(scheduledRetryDelayMs(schedule, 1, {}, new Date(), () => 0)).toBe(4000);
    expect(scheduledRetryDelayMs(schedule, 1, {}, new Date(), () => 1)).toBe(6000);
    expect(scheduledRetryDelayMs(schedule, 2, {}, new Date(), () => 0.5)).toBe(300_000);
    expect(scheduledRetryDelayMs(schedule, 3)).toBeNull();
  });

  it("waits at least what a 429's Retry-After asks, up to a day", () => {
    const schedule = [0, 1000, 2000];
    expect(scheduledRetryDelayMs(schedule, 1, { status: 429, retryAfter: "30" }, new Date(), () => 0.5)).toBe(30_000);
    expect(scheduledRetryDelayMs(schedule, 1, { status: 429, retryAfter: "999999" }, new Date(), () => 0.5)).toBe(86_400_000);
    expect(scheduledRetryDelayMs(schedule, 1, { status: 500, retryAfter: "30" }, new Date(), () => 0.5)).toBe(1000);
  });

  it("delivers on 2xx only, and stops for good on 410", () => {
    expect([200, 204, 299].map(webhookVerdict)).toEqual(["delivered", "delivered", "delivered"]);
    expect([301, 302, 400, 404, 500].map(webhookVerdict)).toEqual(["failed", "failed", "failed", "failed", "failed"]);
    expect(webhookVerdict(410)).toBe("gone");
  });
});
