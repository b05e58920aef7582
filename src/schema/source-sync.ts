import type { Order } from "../generated/prisma/client.js";
import { builder } from "./builder.js";
import { SyncStateEnum } from "./enums.js";
import { OrderRef } from "./order.js";

export const SourceSyncRef =
  builder.objectRef<Pick<Order, "syncState" | "syncAttempts" | "syncError" | "syncedAt" | "localOnlyFields">>("SourceSync");

SourceSyncRef.implement({
  description: "Whether the order's latest change reached its source (write-through).",
  fields: (t) => ({
    state: t.expose("syncState", {
      type: SyncStateEnum,
      description:
        "LOCAL_ONLY: the source is not connected, has no such operation, or its writes do not carry a changed field (see localOnlyFields). SYNCED only when the source accepted every change.",
    }),
    localOnlyFields: t.exposeStringList("localOnlyFields", {
      description:
        "Fields changed here that the source's writes do not carry, so it has never seen them; a newer payload from the source clears the list.",
    }),
    attempts: t.exposeInt("syncAttempts", { description: "Attempts made for the latest change." }),
    lastError: t.exposeString("syncError", { nullable: true, description: "The source's own message when it refused or failed." }),
    syncedAt: t.expose("syncedAt", { type: "DateTime", nullable: true }),
  }),
});

builder.objectField(OrderRef, "sourceSync", (t) => t.field({ type: SourceSyncRef, resolve: (order) => order }));
