import { formatDecimal, formatMoney } from "../domain/money.js";
import type { WeightUnit } from "../domain/order-input.js";
import type { LineItem } from "../generated/prisma/client.js";
import { builder } from "./builder.js";
import { DimensionsRef } from "./dimensions.js";
import { WeightUnitEnum } from "./enums.js";

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
    weight: t.string({
      nullable: true,
      description: "Decimal as a string, in `weightUnit`.",
      resolve: (item) => formatDecimal(item.weight),
    }),
    weightUnit: t.field({ type: WeightUnitEnum, nullable: true, resolve: (item) => item.weightUnit as WeightUnit | null }),
    barcode: t.exposeString("barcode", { nullable: true }),
    dimensions: t.field({
      type: DimensionsRef,
      nullable: true,
      description: "The product's size as the source gives it (the storefront's docs give no unit).",
      resolve: (item) =>
        item.width == null && item.height == null && item.depth == null
          ? null
          : { width: formatDecimal(item.width), height: formatDecimal(item.height), depth: formatDecimal(item.depth) },
    }),
  }),
});
