// An order with everything under it, as the outbox reads it in the writing
// transaction: for webhook documents and for the sources' native bodies.
import type { Address, LineItem, Order, ScanEvent, Shipment } from "../generated/prisma/client.js";
import type { Tx } from "./orders.js";

export type StoredOrder = Order & {
  lineItems: LineItem[];
  shipments: Array<Shipment & { scanEvents: ScanEvent[] }>;
  shippingAddress: Address | null;
  billingAddress: Address | null;
};

export function loadStoredOrder(tx: Tx, orderId: string): Promise<StoredOrder | null> {
  return tx.order.findUnique({
    where: { id: orderId },
    include: {
      lineItems: { orderBy: [{ position: "asc" }, { id: "asc" }] },
      shipments: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], include: { scanEvents: { orderBy: [{ scannedAt: "asc" }, { id: "asc" }] } } },
      shippingAddress: true,
      billingAddress: true,
    },
  });
}

