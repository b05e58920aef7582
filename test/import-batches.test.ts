// Imports decided for a whole batch at once (services/imports.ts): the
// outcomes must be those of importing the payloads one after another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLines, importPayloads } from "../src/services/imports.js";
import { createTestGateway, type TestGateway } from "./helpers.js";
import { freshMalomoOrder as malomoOrder } from "./sources/payloads.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await createTestGateway();
});
afterAll(() => gw.close());

const importBatch = (payloads: unknown[]) => importPayloads(gw.db.sql, gw.workspaceId, "MALOMO", payloads);

async function counts() {
  const [row] = await gw.db.sql<{ orders: number; shipments: number; scans: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM "order") AS orders, (SELECT count(*)::int FROM shipment) AS shipments,
            (SELECT count(*)::int FROM scan_event) AS scans, (SELECT count(*)::int FROM order_event) AS events`,
  );
  return row!;
}

describe("a batch of imports", () => {
  it("mixes new, changed, unchanged, older, invalid and repeated payloads with the outcomes of one-by-one imports", async () => {
    const known = malomoOrder();
    known.updated_at = "2019-03-01T00:00:00Z";
    const same = malomoOrder();
    const [first] = await importBatch([known]);
    await importBatch([same]);

    const changed = structuredClone(known);
    changed.updated_at = "2019-04-01T00:00:00Z";
    changed.email = "changed@example.com";
    const older = structuredClone(known);
    older.updated_at = "2019-01-01T00:00:00Z";
    older.email = "stale@example.com";
    const fresh = malomoOrder();
    const freshAgain = structuredClone(fresh);
    freshAgain.updated_at = "2030-01-01T00:00:00Z";
    freshAgain.email = "second@example.com";
    const freshTwice = structuredClone(freshAgain);
    const results = await importBatch([fresh, same, changed, { number: 5 }, older, freshAgain, freshTwice, malomoOrder()]);

    expect(results.map((r) => r.outcome)).toEqual([
      "CREATED",
      "UNCHANGED",
      "UPDATED",
      "ERROR",
      "UNCHANGED",
      "UPDATED",
      "UNCHANGED",
      "CREATED",
    ]);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results[2]!.order).toMatchObject({ id: first!.order!.id, email: "changed@example.com" });
    // The older payload came after the newer one in the batch: it changes nothing.
    expect(results[4]!.order).toMatchObject({ id: first!.order!.id });
    expect(results[5]!.order).toMatchObject({ id: results[0]!.order!.id, email: "second@example.com" });
    expect(results[3]!.errors[0]).toMatchObject({ code: "VALIDATION", path: expect.arrayContaining(["payloads", "3"]) });
    const stored = await gw.db.prisma.order.findUniqueOrThrow({ where: { id: first!.order!.id } });
    expect(stored.email).toBe("changed@example.com");
  });

  it("refuses a payload whose tracking code another order holds, and creates the rest", async () => {
    const holder = malomoOrder();
    await importBatch([holder]);
    const thief = malomoOrder();
    thief.shipments[0].tracking_code = holder.shipments[0].tracking_code;
    // Two new orders of the batch claiming one code: the first has it.
    const twinA = malomoOrder();
    const twinB = malomoOrder();
    twinB.shipments[0].tracking_code = twinA.shipments[0].tracking_code;
    const before = await counts();
    const results = await importBatch([malomoOrder(), thief, twinA, twinB]);
    expect(results.map((r) => r.outcome)).toEqual(["CREATED", "ERROR", "CREATED", "ERROR"]);
    expect(results[1]!.errors[0]).toMatchObject({ code: "DUPLICATE", path: ["payloads", "1"] });
    expect(results[3]!.errors[0]).toMatchObject({ code: "DUPLICATE", path: ["payloads", "3"] });
    expect((await counts()).orders).toBe(before.orders + 2);
  });

  it("lets concurrent batches over the same orders create each order once", async () => {
    const natives = Array.from({ length: 20 }, () => malomoOrder());
    const before = await counts();
    const runs = await Promise.all([importBatch(natives), importBatch([...natives].reverse()), importBatch(natives)]);
    for (const results of runs) expect(results.every((r) => r.outcome === "CREATED" || r.outcome === "UNCHANGED")).toBe(true);
    expect(runs.flat().filter((r) => r.outcome === "CREATED")).toHaveLength(20);
    const after = await counts();
    expect(after.orders - before.orders).toBe(20);
    expect(after.shipments - before.shipments).toBe(20);
  });

  it("writes nothing of a batch that fails part-way", async () => {
    const natives = Array.from({ length: 10 }, () => malomoOrder());
    const poisoned = natives[7]!.shipments[0].tracking_code;
    await gw.db.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION fail_on_poisoned_shipment() RETURNS trigger AS $$
      BEGIN IF NEW.tracking_code = '${poisoned}' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await gw.db.prisma.$executeRawUnsafe(
      `CREATE TRIGGER fail_on_poisoned_shipment BEFORE INSERT ON shipment FOR EACH ROW EXECUTE FUNCTION fail_on_poisoned_shipment()`,
    );
    const before = await counts();
    try {
      await expect(importBatch(natives)).rejects.toThrow();
      expect(await counts()).toEqual(before);
    } finally {
      await gw.db.prisma.$executeRawUnsafe(`DROP TRIGGER fail_on_poisoned_shipment ON shipment`);
    }
    const results = await importBatch(natives);
    expect(results.every((r) => r.outcome === "CREATED")).toBe(true);
  });

  it("finds the payloads it already holds by their hash, whatever the order of their keys, unless an earlier payload of the batch changes the order", async () => {
    const payloads = [malomoOrder(), malomoOrder(), malomoOrder()];
    const created = await importBatch(payloads);
    expect(created.map((r) => r.outcome)).toEqual(["CREATED", "CREATED", "CREATED"]);
    const reversed = (value: object) => Object.fromEntries(Object.entries(value).reverse());
    const again = await importBatch(payloads.map(reversed));
    expect(again.map((r) => r.outcome)).toEqual(["UNCHANGED", "UNCHANGED", "UNCHANGED"]);
    expect(again.map((r) => r.order?.version)).toEqual(created.map((r) => r.order?.version));

    // The newer payload goes first, so the one the order was imported from is older now.
    const newer = { ...structuredClone(payloads[0]!), updated_at: "2031-01-01T00:00:00Z", email: "newer@example.com" };
    const mixed = await importBatch([newer, payloads[0]]);
    expect(mixed.map((r) => r.outcome)).toEqual(["UPDATED", "UNCHANGED"]);
    expect(mixed[1]!.order?.email).toBe("newer@example.com");
  });
});

describe("a batch of NDJSON lines", () => {
  const importLineBatch = (lines: string[]) => importLines(gw.db.sql, gw.workspaceId, "MALOMO", lines);
  const emailOf = async (id: string) => (await gw.db.prisma.order.findUniqueOrThrow({ where: { id } })).email;

  it("finds a line it imported before unchanged, and the same order written otherwise too", async () => {
    const natives = [malomoOrder(), malomoOrder()];
    const lines = natives.map((native) => JSON.stringify(native));
    const created = await importLineBatch(lines);
    expect(created.map((r) => r.outcome)).toEqual(["CREATED", "CREATED"]);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(natives[1]!).reverse()));
    const again = await importLineBatch([lines[0]!, reordered]);
    expect(again.map((r) => r.outcome)).toEqual(["UNCHANGED", "UNCHANGED"]);
    expect(again.map((r) => r.order?.id)).toEqual(created.map((r) => r.order?.id));
  });

  it("reads a line it imported before when another payload has changed its order since", async () => {
    const native = malomoOrder();
    const line = JSON.stringify(native);
    const [created] = await importLineBatch([line, JSON.stringify(malomoOrder())]);
    const orderId = created!.order!.id;
    // As new as the line (same update time), so each in turn replaces the other's fields.
    const other = { ...structuredClone(native), email: "other@example.com" };

    await importBatch([other, malomoOrder()]);
    expect(await emailOf(orderId)).toBe("other@example.com");
    const [back] = await importLineBatch([line, JSON.stringify(malomoOrder())]);
    expect(back!.outcome).toBe("UPDATED");
    expect(await emailOf(orderId)).toBe(native.email);

    // In one batch: the line after the other payload is read, not found unchanged by its text.
    const mixed = await importLineBatch([JSON.stringify(other), line]);
    expect(mixed.map((r) => r.outcome)).toEqual(["UPDATED", "UPDATED"]);
    expect(await emailOf(orderId)).toBe(native.email);
  });

  it("fails a line that is not JSON alone", async () => {
    const results = await importLineBatch(['{"id": ', JSON.stringify(malomoOrder())]);
    expect(results.map((r) => r.outcome)).toEqual(["ERROR", "CREATED"]);
    expect(results[0]!.errors[0]).toMatchObject({
      code: "VALIDATION",
      message: expect.stringMatching(/not valid JSON/),
      path: ["lines", "0"],
    });
  });

  it("fails a line nested thousands of levels deep alone", async () => {
    const deep = `{"id":"deep-1","number":"1","meta":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    const results = await importLineBatch([deep, JSON.stringify(malomoOrder())]);
    expect(results.map((r) => r.outcome)).toEqual(["ERROR", "CREATED"]);
    expect(results[0]!.errors[0]).toMatchObject({
      code: "VALIDATION",
      message: expect.stringMatching(/nested deeper than 64 levels/),
      path: expect.arrayContaining(["lines", "0", "meta", "a"]),
    });
  });
});
