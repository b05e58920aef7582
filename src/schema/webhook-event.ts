// The events feed: every event the workspace's endpoints subscribe to, in the
// order they happened, with the ids and bodies the deliveries carry. A
// partner that missed deliveries, or polls instead, reads on from its last
// cursor and gets each event once.
import { decodeFeedCursor, encodeFeedCursor, PaginationError } from "../domain/pagination.js";
import { asClientError } from "../errors.js";
import { eventsAfter, type FeedEvent } from "../store/webhooks.js";
import { builder } from "./builder.js";
import { WebhookTopicEnum } from "./enums.js";

const WebhookEventRef = builder.objectRef<FeedEvent>("WebhookEvent").implement({
  description: "An event as partners receive it.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The event id: the body's `id` and the deliveries' `webhook-id`." }),
    topic: t.expose("topic", { type: WebhookTopicEnum }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    body: t.exposeString("body", { description: "The exact JSON text deliveries send." }),
    data: t.field({ type: "JSON", description: "The body's `data`, parsed.", resolve: (event) => JSON.parse(event.body).data }),
  }),
});

builder.queryField("webhookEvents", (t) =>
  t.connection(
    {
      type: WebhookEventRef,
      description:
        "The workspace's events, oldest first, kept for WEBHOOK_EVENT_RETENTION_DAYS. Page forward with `after`; an event appears once every transaction that began before it has ended, so a cursor never skips one.",
      args: { topics: t.arg({ type: [WebhookTopicEnum], required: false, description: "Only these topics (default: all)." }) },
      resolve: async (_root, args, ctx) => {
        let after = null;
        try {
          if (args.last != null || args.before != null) throw new PaginationError("The feed pages forward only: use `first` and `after`.");
          const first = args.first ?? 20;
          if (first < 0 || first > ctx.config.maxPageSize) {
            throw new PaginationError(`\`first\` must be from 0 to ${ctx.config.maxPageSize}.`);
          }
          after = args.after ? decodeFeedCursor(args.after) : null;
          const rows = await eventsAfter(ctx.store, ctx.workspaceId, { after, topics: args.topics ?? null, limit: first + 1 });
          const edges = rows.slice(0, first).map((node) => ({ node, cursor: encodeFeedCursor(node) }));
          return {
            edges,
            pageInfo: {
              hasNextPage: rows.length > first,
              hasPreviousPage: after !== null,
              startCursor: edges[0]?.cursor ?? null,
              // An empty page keeps the reader where it was.
              endCursor: edges.at(-1)?.cursor ?? args.after ?? null,
            },
          };
        } catch (error) {
          throw asClientError(error);
        }
      },
    },
    { name: "WebhookEventConnection" },
    { name: "WebhookEventEdge" },
  ),
);
