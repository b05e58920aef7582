import type { Order } from "../generated/prisma/client.js";
import { builder } from "./builder.js";
import { SyncStateEnum } from "./enums.js";
import { OrderRef } from "./order.js";

export const SourceSyncRef = builder.objectRef<Pick<Order, "syncState" | "syncAttempts" | "syncError" | "syncedAt">>("SourceSync");

SourceSyncRef.implement({
  description: "Whether the order's latest change reached its source (write-through).",
  fields: (t) => ({
    state: t.expose("syncState", {
      type: SyncStateEnum,
      description: "LOCAL_ONLY: the source is not connected or has no such operation.",
    }),
    attempts: t.exposeInt("syncAttempts", { description: "Attempts made for the latest change." }),
    lastError: t.exposeString("syncError", { nullable: true, description: "The source's own message when it refused or failed." }),
    syncedAt: t.expose("syncedAt", { type: "DateTime", nullable: true }),
  }),
});

builder.objectField(OrderRef, "sourceSync", (t) => t.field({ type: SourceSyncRef, resolve: (order) => order }));
