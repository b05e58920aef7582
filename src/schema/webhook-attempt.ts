// One attempt to send a webhook delivery, as the endpoint answered it.
import type { WebhookAttempt } from "../generated/prisma/client.js";
import { builder } from "./builder.js";

export const WebhookAttemptRef = builder.objectRef<WebhookAttempt>("WebhookAttempt").implement({
  description: "One attempt to send a delivery: when, what the endpoint answered, and how long it took.",
  fields: (t) => ({
    attemptedAt: t.expose("attemptedAt", { type: "DateTime" }),
    responseStatus: t.exposeInt("responseStatus", { nullable: true, description: "The HTTP status; null when no answer came." }),
    durationMs: t.exposeInt("durationMs"),
    error: t.exposeString("error", { nullable: true, description: "Why the attempt failed; null when it delivered." }),
    responseBody: t.exposeString("responseBody", { nullable: true, description: "The first 1 KB of the endpoint's answer." }),
  }),
});
