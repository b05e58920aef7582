import { builder } from "./builder.js";
import { FulfillmentStatusEnum, OrderSourceEnum, OrderStatusEnum } from "./enums.js";

export const OrderFilterInput = builder.inputType("OrderFilter", {
  description: "All given conditions must hold; a list matches any of its values.",
  fields: (t) => ({
    status: t.field({ type: [OrderStatusEnum] }),
    paymentStatus: t.stringList(),
    fulfillmentStatus: t.field({ type: [FulfillmentStatusEnum] }),
    source: t.field({ type: [OrderSourceEnum] }),
    customerEmail: t.string({ description: "The order's or its customer's email, any case." }),
    q: t.string({ description: "Words to find in the order number, customer name or email." }),
    createdAfter: t.field({ type: "DateTime", description: "Inclusive." }),
    createdBefore: t.field({ type: "DateTime", description: "Exclusive." }),
    updatedAfter: t.field({
      type: "DateTime",
      description: "Changed at or after this time (inclusive), by any way in: for incremental sync, pass the time of your last read.",
    }),
    customerIds: t.stringList({ description: "The source's customer ids (the storefront's customer_ids filter)." }),
  }),
});
