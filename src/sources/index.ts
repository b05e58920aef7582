import type { OrderInput } from "../domain/order-input.js";
import type { OrderSource } from "../generated/prisma/enums.js";
import { mapFlexportOrder } from "./flexport.js";
import { mapMalomoOrder } from "./malomo.js";
import { mapStorefrontOrder } from "./storefront.js";
import { mapTrackmageOrder } from "./trackmage.js";

export { SourcePayloadError } from "./common.js";

/**
 * Part of every import's hash, which is taken of the native payload: bump it
 * when a mapper makes something else of the same payload, so that importing
 * the payload again applies the change instead of finding it unchanged.
 */
export const MAPPING_VERSION = 2;

/** The sources by the names paths, query strings and command lines use (lower case). */
export const SOURCE_NAMES = ["malomo", "flexport", "storefront", "trackmage"] as const;

/** The source a name stands for, in any case; undefined for none. */
export function sourceNamed(name: string): Exclude<OrderSource, "API"> | undefined {
  const lower = name.toLowerCase();
  return (SOURCE_NAMES as readonly string[]).includes(lower) ? (lower.toUpperCase() as Exclude<OrderSource, "API">) : undefined;
}

/** One mapper per source: native order JSON -> canonical order input. */
export const mappers: Record<Exclude<OrderSource, "API">, (payload: unknown) => OrderInput> = {
  MALOMO: mapMalomoOrder,
  FLEXPORT: mapFlexportOrder,
  STOREFRONT: mapStorefrontOrder,
  TRACKMAGE: mapTrackmageOrder,
};
