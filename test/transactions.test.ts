// A transaction is one pg client. Prisma sends an include's relation queries
// side by side, which pg deprecates (and pg@9 refuses) on one client: the
// database layer sends a transaction's statements one at a time.
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadStoredOrder } from "../src/store/stored-order.js";
import { busyOrder } from "./factories.js";
import { createTestGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
let orderId: string;

beforeAll(async () => {
  gw = await createTestGateway();
  [orderId] = (await gw.seed([busyOrder(1)])) as [string];
});
afterAll(() => gw.close());

it("reads an order with all its relations in a transaction without overlapping statements", async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on("warning", onWarning);
  try {
    const orders = await gw.db.sql.transaction(async (tx) => Promise.all([loadStoredOrder(tx, orderId), loadStoredOrder(tx, orderId)]));
    for (const order of orders) {
      expect(order?.lineItems.length).toBeGreaterThan(0);
      expect(order?.shipments.length).toBeGreaterThan(0);
      expect(order?.shipments.flatMap((shipment) => shipment.scanEvents).length).toBeGreaterThan(0);
    }
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => warning.message)).toEqual([]);
  } finally {
    process.off("warning", onWarning);
  }
});
