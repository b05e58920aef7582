// Writes of canonical orders and what hangs under them. Callers pass a
// transaction client, so a change lands whole or not at all.
import { v7 as uuidv7 } from "uuid";
import { deriveFulfillmentStatus } from "../domain/fulfillment.js";
import type { AddressInput, OrderEventInput, OrderInput, ScanEventInput, ShipmentInput } from "../domain/order-input.js";
import { shipmentKey, storedScan } from "../domain/order-rules.js";
import {
  deliveredAtFromScans,
  orderShippingDates,
  shipmentStatusFromScans,
  shippedAtFromScans,
} from "../domain/shipment-status.js";
import { Prisma, type FulfillmentStatus, type Order } from "../generated/prisma/client.js";

export type Tx = Prisma.TransactionClient;

/** What a child row needs of its parent (an order or a shipment): its id and workspace. */
export type Owner = { id: string; workspaceId: string };

export async function insertOrder(tx: Tx, workspaceId: string, input: OrderInput): Promise<Order> {
  return (await insertOrders(tx, workspaceId, [{ input }]))[0]!;
}

/**
 * Inserts orders with everything under them in one statement per table,
 * however many there are; returns them in the order given.
 */
export async function insertOrders(tx: Tx, workspaceId: string, orders: ReadonlyArray<{ input: OrderInput; importHash?: string }>): Promise<Order[]> {
  if (!orders.length) return [];
  const rows = newOrderRows(workspaceId, orders);
  await insertRows(tx, "address", rows.addresses);
  await insertRows(tx, "order", rows.orders);
  await insertRows(tx, "line_item", rows.lineItems);
  await insertRows(tx, "shipment", rows.shipments);
  await insertRows(tx, "scan_event", rows.scanEvents);
  await insertRows(tx, "order_event", rows.events);
  const ids = rows.orders.map((order) => order.id!);
  const byId = new Map((await tx.order.findMany({ where: { id: { in: ids } } })).map((order) => [order.id, order]));
  return ids.map((id) => byId.get(id)!);
}

/**
 * Inserts rows (Prisma's create inputs, keys in camelCase) into `table` in one
 * statement whatever their number: they travel as one JSON array, spread into
 * columns by json_populate_recordset. Prisma's createMany sends a parameter
 * per value, which made building and binding a batch of 500 orders the
 * larger part of importing it. Columns no row sets keep their defaults.
 */
async function insertRows(tx: Tx, table: string, rows: ReadonlyArray<object>) {
  if (!rows.length) return;
  const keys = new Set<string>();
  for (const row of rows) for (const [key, value] of Object.entries(row)) if (value !== undefined) keys.add(key);
  const columns = [...keys].map((key) => `"${columnOf(key)}"`).join(", ");
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [columnOf(key), value]))));
  await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::"${table}", $1::json)`, json);
}

/** A model key's column: the schema maps every field to its snake_case name. */
export const columnOf = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The rows of new orders, table by table (also what the bench's write floor loads). */
export function newOrderRows(workspaceId: string, orders: ReadonlyArray<{ input: OrderInput; importHash?: string }>) {
  const addresses = addressBatch(workspaceId);
  const rows = orders.map(({ input, importHash }) => orderRows(workspaceId, input, importHash ?? null, addresses.add));
  return {
    addresses: addresses.rows,
    orders: rows.map((r) => r.order),
    lineItems: rows.flatMap((r) => r.lineItems),
    shipments: rows.flatMap((r) => r.shipments.map((s) => s.row)),
    scanEvents: rows.flatMap((r) => r.shipments.flatMap((s) => s.scans)),
    events: rows.flatMap((r) => r.events),
  };
}

/** An order's rows: the order, its line items, shipments with scans, and events (addresses go to `addAddress`). */
function orderRows(
  workspaceId: string,
  input: OrderInput,
  importHash: string | null,
  addAddress: (address: AddressInput | null | undefined) => string | null,
) {
  const orderId = uuidv7();
  const owner = { id: orderId, workspaceId };
  const shippingAddressId = addAddress(input.shippingAddress);
  const billingAddressId = addAddress(input.billingAddress);
  const shipments = (input.shipments ?? []).map((s) => shipmentRows(s, workspaceId, orderId, addAddress));
  const lineItems = lineItemRows(owner, input.lineItems ?? []);
  const dates = orderShippingDates(shipments.map((s) => s.dates));
  const shippedAt = input.shippedAt ?? dates.shippedAt;
  const customer = input.customer ?? {};
  const order: Prisma.OrderCreateManyInput = {
    id: orderId,
    workspaceId,
    source: input.source,
    externalId: input.externalId ?? null,
    sourceOrderId: input.sourceOrderId ?? null,
    sourceUpdatedAt: input.sourceUpdatedAt ?? null,
    number: input.number ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    customerEmail: customer.email ?? null,
    customerFirstName: customer.firstName ?? null,
    customerLastName: customer.lastName ?? null,
    orderType: input.orderType ?? "CUSTOMER",
    status: input.status ?? "OPEN",
    rawStatus: input.rawStatus ?? null,
    paymentStatus: input.paymentStatus ?? null,
    fulfillmentStatus:
      lineItems.length === 0 && input.fulfillmentStatus
        ? input.fulfillmentStatus
        : deriveFulfillmentStatus(lineItems, shippedAt != null),
    processingState: input.processingState ?? null,
    processingErrorCode: input.processingError?.code ?? null,
    processingErrorMessage: input.processingError?.message ?? null,
    processingErrorType: input.processingError?.type ?? null,
    processingErrorRetriable: input.processingError?.retriable ?? false,
    currency: input.currency ?? "USD",
    subtotal: input.subtotal ?? null,
    discount: input.discount ?? null,
    total: input.total ?? null,
    shippingAddressId,
    billingAddressId,
    promisedShipBy: input.promisedShipBy ?? null,
    promisedDeliveryBy: input.promisedDeliveryBy ?? null,
    shippedAt,
    deliveredAt: input.deliveredAt ?? dates.deliveredAt,
    cancelledAt: input.cancelledAt ?? null,
    cancelReason: input.cancelReason ?? null,
    meta: jsonValue(input.meta),
    createdAt: input.createdAt ?? new Date(),
    importHash,
  };
  return { order, lineItems, shipments, events: eventRows(owner, input.events ?? []) };
}

/** Adds shipments (with their scans and addresses) to an existing order. */
export async function insertShipments(tx: Tx, workspaceId: string, orderId: string, shipments: readonly ShipmentInput[]) {
  const addresses = addressBatch(workspaceId);
  const rows = shipments.map((s) => shipmentRows(s, workspaceId, orderId, addresses.add));
  await addresses.flush(tx);
  await writeShipments(tx, rows);
}

export async function replaceLineItems(tx: Tx, order: Owner, items: NonNullable<OrderInput["lineItems"]>) {
  await tx.lineItem.deleteMany({ where: { orderId: order.id } });
  const rows = lineItemRows(order, items);
  if (rows.length) await tx.lineItem.createMany({ data: rows });
}

export async function insertScans(tx: Tx, shipment: Owner, scans: readonly ScanEventInput[]) {
  if (scans.length) await tx.scanEvent.createMany({ data: scans.map((scan) => scanRow(shipment, scan)) });
}

export async function addEvents(tx: Tx, order: Owner, events: readonly OrderEventInput[]) {
  if (events.length) await tx.orderEvent.createMany({ data: eventRows(order, events) });
}

function eventRows(order: Owner, events: readonly OrderEventInput[]): Prisma.OrderEventCreateManyInput[] {
  return events.map((event) => ({
    id: uuidv7(),
    workspaceId: order.workspaceId,
    orderId: order.id,
    type: event.type,
    label: event.label ?? null,
    linkBackUrl: event.linkBackUrl ?? null,
    properties: jsonValue(event.properties),
    occurredAt: event.occurredAt ?? new Date(),
  }));
}

/** Creates an address row (or none for an empty address) and returns its id. */
export async function createAddress(tx: Tx, workspaceId: string, address: AddressInput | null | undefined) {
  const batch = addressBatch(workspaceId);
  const id = batch.add(address);
  await batch.flush(tx);
  return id;
}

/** Brings a shipment's status and delivery date in line with its scans. */
export async function refreshShipment(tx: Tx, shipmentId: string) {
  const shipment = await tx.shipment.findUniqueOrThrow({ where: { id: shipmentId } });
  const scans = await tx.scanEvent.findMany({ where: { shipmentId }, select: { scannedAt: true, status: true } });
  const status = shipmentStatusFromScans(scans, shipment.status);
  const deliveredAt = status === "DELIVERED" ? (deliveredAtFromScans(scans) ?? shipment.deliveredAt) : shipment.deliveredAt;
  if (status !== shipment.status || deliveredAt?.getTime() !== shipment.deliveredAt?.getTime()) {
    await tx.shipment.update({ where: { id: shipmentId }, data: { status, deliveredAt } });
  }
  return { before: shipment.status, after: status, shipment };
}

/**
 * The order fields that follow from its line items and shipments:
 * fulfillment status and the shipped / delivered dates.
 */
export async function derivedOrderFields(tx: Tx, order: Order) {
  const [lineItems, shipments, scans] = await Promise.all([
    tx.lineItem.findMany({ where: { orderId: order.id }, select: { quantity: true, fulfilledQuantity: true } }),
    tx.shipment.findMany({ where: { orderId: order.id }, select: { id: true, status: true, isReturn: true, deliveredAt: true } }),
    tx.scanEvent.findMany({ where: { shipment: { orderId: order.id } }, select: { shipmentId: true, scannedAt: true, status: true } }),
  ]);
  const dates = orderShippingDates(
    shipments.map((s) => ({ ...s, shippedAt: shippedAtFromScans(scans.filter((scan) => scan.shipmentId === s.id)) })),
  );
  const shippedAt = dates.shippedAt ?? order.shippedAt;
  const deliveredAt = shipments.length ? dates.deliveredAt : order.deliveredAt;
  let fulfillmentStatus: FulfillmentStatus = order.fulfillmentStatus;
  if (lineItems.length) fulfillmentStatus = deriveFulfillmentStatus(lineItems);
  else if (shipments.length) fulfillmentStatus = deriveFulfillmentStatus([], shippedAt != null);
  return { shippedAt, deliveredAt, fulfillmentStatus };
}

/**
 * The first of `shipments` (with its index) whose carrier and tracking code
 * another order of the workspace already holds, or null when none is taken.
 */
export async function findTakenTrackingCode(
  db: Tx,
  workspaceId: string,
  shipments: readonly ShipmentInput[],
  ownOrderId: string | null,
): Promise<{ index: number; shipment: ShipmentInput } | null> {
  if (!shipments.length) return null;
  const taken = await db.shipment.findMany({
    where: {
      workspaceId,
      ...(ownOrderId ? { orderId: { not: ownOrderId } } : {}),
      OR: shipments.map((s) => ({ trackingCode: s.trackingCode, carrier: { equals: s.carrier, mode: "insensitive" as const } })),
    },
    select: { carrier: true, trackingCode: true },
  });
  const held = new Set(taken.map(shipmentKey));
  const index = shipments.findIndex((s) => held.has(shipmentKey(s)));
  return index < 0 ? null : { index, shipment: shipments[index]! };
}

/** Deletes address rows no longer referenced by the order or shipment that held them. */
export async function deleteAddresses(tx: Tx, ids: ReadonlyArray<string | null>) {
  const present = ids.filter((id): id is string => id != null);
  if (present.length) await tx.address.deleteMany({ where: { id: { in: present } } });
}

function addressBatch(workspaceId: string) {
  const rows: Prisma.AddressCreateManyInput[] = [];
  return {
    rows,
    add(address: AddressInput | null | undefined): string | null {
      if (!address || Object.values(address).every((value) => value == null || value === "")) return null;
      const id = uuidv7();
      rows.push({ id, workspaceId, ...address });
      return id;
    },
    async flush(tx: Tx) {
      if (rows.length) await tx.address.createMany({ data: rows });
    },
  };
}

function lineItemRows(order: Owner, items: NonNullable<OrderInput["lineItems"]>) {
  return items.map((item, position) => ({
    id: uuidv7(),
    workspaceId: order.workspaceId,
    orderId: order.id,
    position,
    sku: item.sku ?? null,
    name: item.name ?? null,
    quantity: item.quantity,
    fulfilledQuantity: item.fulfilledQuantity ?? 0,
    unitPrice: item.unitPrice ?? null,
    currency: item.currency ?? null,
    productId: item.productId ?? null,
    variantId: item.variantId ?? null,
    weight: item.weight ?? null,
  }));
}

function shipmentRows(
  shipment: ShipmentInput,
  workspaceId: string,
  orderId: string,
  addAddress: (address: AddressInput | null | undefined) => string | null,
) {
  const id = uuidv7();
  const scanInputs = shipment.scanEvents ?? [];
  const status = shipmentStatusFromScans(scanInputs, shipment.status);
  const deliveredAt = shipment.deliveredAt ?? deliveredAtFromScans(scanInputs);
  const row: Prisma.ShipmentCreateManyInput = {
    id,
    workspaceId,
    orderId,
    carrier: shipment.carrier,
    trackingCode: shipment.trackingCode,
    carrierService: shipment.carrierService ?? null,
    trackingUrl: shipment.trackingUrl ?? null,
    status,
    rawStatus: shipment.rawStatus ?? null,
    isReturn: shipment.isReturn ?? false,
    estimatedDeliveryAt: shipment.estimatedDeliveryAt ?? null,
    deliveredAt,
    signedBy: shipment.signedBy ?? null,
    weight: shipment.weight ?? null,
    originId: addAddress(shipment.origin),
    destinationId: addAddress(shipment.destination),
  };
  return {
    row,
    scans: scanInputs.map((scan) => scanRow({ id, workspaceId }, scan)),
    dates: { status, isReturn: row.isReturn ?? false, shippedAt: shippedAtFromScans(scanInputs), deliveredAt },
  };
}

async function writeShipments(tx: Tx, shipments: ReturnType<typeof shipmentRows>[]) {
  if (!shipments.length) return;
  await tx.shipment.createMany({ data: shipments.map((s) => s.row) });
  const scans = shipments.flatMap((s) => s.scans);
  if (scans.length) await tx.scanEvent.createMany({ data: scans });
}

function scanRow(shipment: Owner, scan: ScanEventInput): Prisma.ScanEventCreateManyInput {
  return { id: uuidv7(), workspaceId: shipment.workspaceId, shipmentId: shipment.id, ...storedScan(scan), rawStatus: scan.rawStatus ?? null, source: scan.source ?? null };
}

function jsonValue(value: unknown): Prisma.InputJsonValue | undefined {
  return value == null ? undefined : (value as Prisma.InputJsonValue);
}

/**
 * A unique constraint refused a write: P2002 from Prisma's model API, or the
 * driver's error behind a raw statement (P2010), as either adapter reports it.
 */
export function isUniqueViolation(error: unknown): boolean {
  type Cause = { kind?: string; code?: string } | undefined;
  let cause: Cause;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") return true;
    cause = (error.meta?.driverAdapterError as { cause?: Cause } | undefined)?.cause;
  } else {
    // The embedded database's adapter can let its own error through.
    cause = (error as { name?: string; cause?: Cause } | null)?.name === "DriverAdapterError" ? (error as { cause?: Cause }).cause : undefined;
  }
  return cause?.kind === "UniqueConstraintViolation" || cause?.code === "23505";
}
