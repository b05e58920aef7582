// A transaction is one pg client. Prisma sends an include's relation queries
// side by side, which pg deprecates (and pg@9 refuses) on one client: the
// database layer sends a transaction's statements one at a time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastStatement, type Sql } from "../src/store/executor.js";
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

describe("a last statement sent with the COMMIT", () => {
  const emailOf = async () => (await gw.db.sql<{ email: string }>(`SELECT email FROM "order" WHERE id = $1`, [orderId]))[0]!.email;
  const setEmail = (tx: Sql, email: string) => tx(`UPDATE "order" SET email = $2 WHERE id = $1 RETURNING email`, [orderId, email]);

  it("commits the transaction and answers with its rows", async () => {
    const rows = await gw.db.sql.transaction(async (tx) => {
      await tx(`SELECT 1`);
      return lastStatement(tx)<{ email: string }>(`UPDATE "order" SET email = $2 WHERE id = $1 RETURNING email`, [
        orderId,
        "last@example.com",
      ]);
    });
    expect(rows).toEqual([{ email: "last@example.com" }]);
    expect(await emailOf()).toBe("last@example.com");
  });

  it("rolls back everything when it fails", async () => {
    const before = await emailOf();
    await expect(
      gw.db.sql.transaction(async (tx) => {
        await setEmail(tx, "lost@example.com");
        await lastStatement(tx)(`SELECT 1 / 0`);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await emailOf()).toBe(before);
  });

  it.skipIf(!process.env.DATABASE_URL)("rolls back when its failure was caught, and says so", async () => {
    const before = await emailOf();
    await expect(
      gw.db.sql.transaction(async (tx) => {
        await setEmail(tx, "lost@example.com");
        await lastStatement(tx)(`SELECT 1 / 0`).catch(() => []);
      }),
    ).rejects.toThrow(/rolled back/);
    expect(await emailOf()).toBe(before);
  });

  it.skipIf(!process.env.DATABASE_URL)("says the transaction committed when the work fails after it", async () => {
    await expect(
      gw.db.sql.transaction(async (tx) => {
        await lastStatement(tx)(`UPDATE "order" SET email = $2 WHERE id = $1`, [orderId, "kept@example.com"]);
        throw new Error("too late");
      }),
    ).rejects.toThrow(/committed, but its work failed/);
    expect(await emailOf()).toBe("kept@example.com");
  });

  it.skipIf(!process.env.DATABASE_URL)("refuses a statement after it", async () => {
    const failure = await gw.db.sql
      .transaction(async (tx) => {
        await lastStatement(tx)(`SELECT 1`);
        await setEmail(tx, "late@example.com");
      })
      .catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(((failure as Error).cause as Error).message).toMatch(/after its transaction's COMMIT/);
    expect(await emailOf()).not.toBe("late@example.com");
  });
});
