// Looks ahead at what a query asks of its orders, so that the store fetches
// exactly that, the relations (addresses, line items, shipments with their
// scans, one page of events) included, in the same SQL statement as the
// orders (store/prefetch.ts). On this kind of query the statement count drops
// from five or six to one, and only the columns the selection reads are
// selected, built and parsed.
//
// Rows fetched this way may hold only some columns, so they are never put in
// the shared loaders (another part of the same query may ask for more): the
// relations are attached to the row they belong to, and the resolvers take
// them from there (prefetched*) before falling back to the loaders.
import { type FieldNode, type GraphQLField, type GraphQLResolveInfo, getArgumentValues, Kind, type SelectionSetNode } from "graphql";

import { type Page, type PageArgs, parsePageArgs, toPage } from "../domain/pagination.js";
import type { Address, LineItem, Order, OrderEvent, ScanEvent, Shipment } from "../generated/prisma/client.js";
import {
  ADDRESS,
  decode,
  keysFor,
  LINE_ITEM,
  ORDER,
  ORDER_EVENT,
  ORDER_KEYS,
  type PrefetchedRow,
  type PrefetchPlan,
  SCAN_EVENT,
  SHIPMENT,
} from "../store/prefetch.js";
import type { Loaders } from "./index.js";

/** What the selection asks of each order, read from the selections of type Order under `path` (e.g. ["nodes"]). */
export function planPrefetch(info: GraphQLResolveInfo, paths: string[][], maxPageSize: number): PrefetchPlan {
  const orderFields = paths.flatMap((path) => fieldsAt(info, info.fieldNodes, path));
  const named = (fields: FieldNode[], name: string) => fields.filter((field) => field.name.value === name);
  const shipments = named(orderFields, "shipments");
  const shipmentFields = subFields(info, shipments);
  const eventFields = named(orderFields, "events");
  let events: PrefetchPlan["events"] = null;
  if (eventFields.length === 1) {
    const orderType = info.schema.getType("Order") as unknown as { getFields(): Record<string, GraphQLField<unknown, unknown>> };
    const args = getArgumentValues(orderType.getFields().events!, eventFields[0]!, info.variableValues) as PageArgs;
    const connectionFields = subFields(info, eventFields);
    const eventNodeFields = [
      ...subFields(info, named(connectionFields, "nodes")),
      ...subFields(info, named(subFields(info, named(connectionFields, "edges")), "node")),
    ];
    try {
      events = { keys: keysFor(ORDER_EVENT, namesOf(eventNodeFields)), args, request: parsePageArgs(args, maxPageSize) };
    } catch {
      events = null; // the loader reports the error where the field is
    }
  }
  // Shipment.order is the order itself: fetch it whole, and let the loader serve it.
  const whole = named(shipmentFields, "order").length > 0;
  const lineItems = named(orderFields, "lineItems");
  const scanEvents = named(shipmentFields, "scanEvents");
  const address = (name: string) => {
    const fields = named(orderFields, name);
    return fields.length ? keysFor(ADDRESS, namesOf(subFields(info, fields))) : null;
  };
  return {
    order: whole ? ORDER_KEYS : keysFor(ORDER, namesOf(orderFields)),
    shippingAddress: address("shippingAddress"),
    billingAddress: address("billingAddress"),
    lineItems: lineItems.length ? keysFor(LINE_ITEM, namesOf(subFields(info, lineItems))) : null,
    shipments: shipments.length
      ? {
          keys: keysFor(SHIPMENT, namesOf(shipmentFields)),
          scanEvents: scanEvents.length ? keysFor(SCAN_EVENT, namesOf(subFields(info, scanEvents))) : null,
        }
      : null,
    events,
  };
}

type Prefetched = {
  shippingAddress?: Address | null;
  billingAddress?: Address | null;
  lineItems?: LineItem[];
  shipments?: Shipment[];
  events?: { args: PageArgs; page: Page<OrderEvent> };
};
// Kept on the rows themselves, under symbols (which neither JSON nor
// Object.keys sees), so that they live exactly as long as their row. They
// were in WeakMaps, about a hundred entries a page: V8 resolves WeakMap
// entries in the pause of its full collections, which under workload 1 took
// up to 123 ms each (445 ms in 20 s); on the rows, at most 18 ms (87 ms).
const PREFETCHED = Symbol("prefetched");
const SCAN_EVENTS = Symbol("scanEvents");
type OrderWithPrefetched = Order & { [PREFETCHED]?: Prefetched };
type ShipmentWithScans = Shipment & { [SCAN_EVENTS]?: ScanEvent[] };

/** Strips the prefetched columns off an order row and attaches the relations to it. */
export function attachPrefetched(loaders: Loaders, plan: PrefetchPlan, row: PrefetchedRow): Order {
  const { prefetchShippingAddress, prefetchBillingAddress, prefetchLineItems, prefetchShipments, prefetchEvents } = row;
  // Cleared in place: copying a row per order costs more than the rest of this.
  row.prefetchShippingAddress = row.prefetchBillingAddress = row.prefetchLineItems = row.prefetchShipments = row.prefetchEvents = undefined;
  const order: OrderWithPrefetched = row;
  if (plan.order.length === ORDER_KEYS.length) loaders.orderById.prime(order.id, order);
  const prefetched: Prefetched = {};
  // null: the order has no such address.
  if (plan.shippingAddress) prefetched.shippingAddress = prefetchShippingAddress ? decode(ADDRESS, prefetchShippingAddress) : null;
  if (plan.billingAddress) prefetched.billingAddress = prefetchBillingAddress ? decode(ADDRESS, prefetchBillingAddress) : null;
  if (prefetchLineItems) prefetched.lineItems = prefetchLineItems.map((item) => decode(LINE_ITEM, item));
  if (prefetchShipments) {
    prefetched.shipments = prefetchShipments.map(({ shipment, scanEvents }) => {
      const decoded: ShipmentWithScans = decode(SHIPMENT, shipment);
      if (scanEvents) decoded[SCAN_EVENTS] = scanEvents.map((scan) => decode(SCAN_EVENT, scan));
      return decoded;
    });
  }
  if (prefetchEvents && plan.events) {
    const events = prefetchEvents.map((event) => decode(ORDER_EVENT, event));
    const page = toPage(events, plan.events.request, (event) => ({ at: new Date(event.occurredAt), id: event.id }));
    prefetched.events = { args: plan.events.args, page };
  }
  order[PREFETCHED] = prefetched;
  return order;
}

/** The prefetched address (null: the order has none), or undefined when it was not prefetched. */
export const prefetchedAddress = (order: OrderWithPrefetched, which: "shippingAddress" | "billingAddress") => order[PREFETCHED]?.[which];
export const prefetchedLineItems = (order: OrderWithPrefetched) => order[PREFETCHED]?.lineItems;
export const prefetchedShipments = (order: OrderWithPrefetched) => order[PREFETCHED]?.shipments;
export const prefetchedScanEvents = (shipment: ShipmentWithScans) => shipment[SCAN_EVENTS];

/** The prefetched page of events, when it was fetched for these same arguments. */
export function prefetchedEvents(order: OrderWithPrefetched, args: PageArgs): Page<OrderEvent> | undefined {
  const events = order[PREFETCHED]?.events;
  // null and undefined (an argument left out) are the same here.
  const same = (a: PageArgs, b: PageArgs) =>
    (a.first ?? null) === (b.first ?? null) &&
    (a.after ?? null) === (b.after ?? null) &&
    (a.last ?? null) === (b.last ?? null) &&
    (a.before ?? null) === (b.before ?? null);
  return events && same(events.args, args) ? events.page : undefined;
}

const namesOf = (fields: readonly FieldNode[]) => fields.map((field) => field.name.value);

/** The field nodes reached by following `path` (field names) from `nodes`, through fragments. */
function fieldsAt(info: GraphQLResolveInfo, nodes: readonly FieldNode[], path: string[]): FieldNode[] {
  let current = subFields(info, nodes);
  for (const name of path)
    current = subFields(
      info,
      current.filter((field) => field.name.value === name),
    );
  return current;
}

/** Whether the field being resolved selects `name` (through fragments). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  return subFields(info, info.fieldNodes).some((field) => field.name.value === name);
}

/** The fields selected under `fields`, through fragments. */
function subFields(info: GraphQLResolveInfo, fields: readonly FieldNode[]): FieldNode[] {
  return fields.flatMap((field) => selections(info, field.selectionSet));
}

function selections(info: GraphQLResolveInfo, set: SelectionSetNode | undefined): FieldNode[] {
  if (!set) return [];
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return selections(info, selection.selectionSet);
    const fragment = info.fragments[selection.name.value];
    return fragment ? selections(info, fragment.selectionSet) : [];
  });
}
