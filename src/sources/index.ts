import type { OrderInput } from "../domain/order-input.js";
import type { OrderSource } from "../generated/prisma/enums.js";
import { mapFlexportOrder } from "./flexport.js";
import { mapMalomoOrder } from "./malomo.js";
import { mapStorefrontOrder } from "./storefront.js";
import { mapTrackmageOrder } from "./trackmage.js";

export { SourcePayloadError } from "./common.js";

/** One mapper per source: native order JSON -> canonical order input. */
export const mappers: Record<Exclude<OrderSource, "API">, (payload: unknown) => OrderInput> = {
  MALOMO: mapMalomoOrder,
  FLEXPORT: mapFlexportOrder,
  STOREFRONT: mapStorefrontOrder,
  TRACKMAGE: mapTrackmageOrder,
};
