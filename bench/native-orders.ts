// Synthetic orders in each source's own JSON: the documented examples with
// fresh ids, numbers, customers and tracking codes, for imports at volume.
import { readFileSync } from "node:fs";
import type { ImportSource } from "../src/services/imports.js";

const example = (name: string) => JSON.parse(readFileSync(new URL(`../src/demo/payloads/${name}`, import.meta.url), "utf8"));
const MALOMO = example("malomo-order.json");
const FLEXPORT = example("flexport-order.json");
const STOREFRONT = example("storefront-orders.json")[0];
const TRACKMAGE = example("trackmage-order.json");

export const IMPORT_SOURCES: ImportSource[] = ["MALOMO", "FLEXPORT", "STOREFRONT", "TRACKMAGE"];

/** A small number standing for `tag`, to keep numeric ids of different tags apart. */
function tagNumber(tag: string): number {
  let hash = 0;
  for (const char of tag) hash = (hash * 31 + char.charCodeAt(0)) % 9_000;
  return 1_000 + hash;
}

/** Native order number `n` of `source`, unique by n (and by run, through `tag`). */
export function nativeOrder(source: ImportSource, n: number, tag = "bench"): unknown {
  const created = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  switch (source) {
    case "MALOMO": {
      const order = structuredClone(MALOMO);
      order.id = `${tag}-m-${n}`;
      order.alternate_id = `${tag}-malomo-${n}`;
      order.number = String(100000 + n);
      order.email = order.customer.email = `customer${n}@example.com`;
      order.created_at = order.updated_at = created;
      order.shipments[0].tracking_code = `94${tag}${n}`;
      return order;
    }
    case "FLEXPORT": {
      const order = structuredClone(FLEXPORT);
      order.id = `${tag}-fo-${n}`;
      order.externalOrderId = `${tag}-SO-${n}`;
      order.address.name = `Customer ${n}`;
      order.createdAt = order.updatedAt = created;
      order.shipments[0].packages[0].label.trackingCode = `1Z${tag}${n}`;
      return order;
    }
    case "STOREFRONT": {
      const order = structuredClone(STOREFRONT);
      // Its docs type the id as a number: one range of ids per tag.
      order.id = tagNumber(tag) * 100_000_000 + n;
      order.number = 200000 + n;
      order.customer.email = `shopper${n}@example.com`;
      order.customer.name = `Shopper ${n}`;
      order.created_at = order.updated_at = created;
      return order;
    }
    case "TRACKMAGE": {
      const order = structuredClone(TRACKMAGE);
      order.id = `${tag}-tm-${n}`;
      order.externalSourceSyncId = `${tag}-wo-${n}`;
      order.orderNumber = `ON${n}`;
      order.email = `tracked${n}@example.com`;
      order.createdAt = order.updatedAt = Math.floor(Date.parse(created) / 1000);
      return order;
    }
  }
}
