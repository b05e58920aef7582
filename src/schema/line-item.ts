import type { LineItem } from "../generated/prisma/client.js";
import { formatDecimal, formatMoney } from "../domain/money.js";
import { builder } from "./builder.js";

export const LineItemRef = builder.objectRef<LineItem>("LineItem");

builder.node(LineItemRef, {
  id: { resolve: (item) => item.id },
  loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.lineItemById.load(id))),
  fields: (t) => ({
    sku: t.exposeString("sku", { nullable: true }),
    name: t.exposeString("name", { nullable: true }),
    quantity: t.exposeInt("quantity"),
    fulfilledQuantity: t.exposeInt("fulfilledQuantity"),
    unitPrice: t.string({ nullable: true, description: "Decimal as a string.", resolve: (item) => formatMoney(item.unitPrice) }),
    currency: t.exposeString("currency", { nullable: true }),
    productId: t.exposeString("productId", { nullable: true }),
    variantId: t.exposeString("variantId", { nullable: true }),
    weight: t.string({ nullable: true, resolve: (item) => formatDecimal(item.weight) }),
  }),
});
