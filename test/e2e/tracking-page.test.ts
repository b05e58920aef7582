// A public tracking page in a real browser (Debian's Chromium, driven by
// playwright-core): served from an origin its publishable key allows, it
// shows the shipment; served from another origin, the browser refuses the
// gateway's answer.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiKey } from "../../src/auth/api-keys.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { insertOrder } from "../../src/store/orders.js";
import { busyOrder } from "../factories.js";
import { openTestDatabase, testConfig } from "../helpers.js";
import { haveChromium, launchChromium } from "./browser.js";

/** The page a merchant would write: the README's example, with the key and address filled in. */
function trackingPage(gateway: string, key: string, trackingCode: string): string {
  return `<!doctype html><meta charset="utf-8"><title>Track your order</title>
<p id="result">Looking up your order…</p>
<script type="module">
const result = document.querySelector("#result");
try {
  const response = await fetch("${gateway}", {
    method: "POST",
    headers: { authorization: "Bearer ${key}", "content-type": "application/json" },
    body: JSON.stringify({
      query: "query($code: String!) { orderByTrackingCode(trackingCode: $code) { number shipments { carrier trackingCode status } } }",
      variables: { code: "${trackingCode}" },
    }),
  });
  const { data } = await response.json();
  const shipment = data.orderByTrackingCode.shipments[0];
  result.textContent = "Order " + data.orderByTrackingCode.number + ": " + shipment.carrier + " " + shipment.trackingCode + " " + shipment.status;
} catch (error) {
  result.textContent = "refused: " + error.message;
}
result.dataset.done = "true";
</script>`;
}

let gateway: RunningServer;
const pages: Server[] = [];
/** What the page servers serve (written once the key exists). */
let html = "";

/** A server of the page, on an origin of its own. */
async function servePage(): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  pages.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  if (!haveChromium) return;
  gateway = await startServer({ ...testConfig(), port: 0, host: "127.0.0.1" }, await openTestDatabase());
});
afterAll(async () => {
  for (const page of pages) page.close();
  await gateway?.close();
});

it.skipIf(!haveChromium)(
  "shows the shipment on a page from an allowed origin, and the browser refuses the page from another",
  async () => {
    const order = busyOrder(7, 1, 0);
    await gateway.db.sql.transaction((tx) => insertOrder(tx, gateway.demoWorkspaceId, order));
    const trackingCode = order.shipments![0]!.trackingCode;
    const gatewayUrl = gateway.url.replace("localhost", "127.0.0.1");
    const shop = await servePage();
    const other = await servePage();
    const { key } = await createApiKey(gateway.db.prisma, gateway.demoWorkspaceId, "PUBLIC", { allowedOrigins: [shop] });
    html = trackingPage(gatewayUrl, key, trackingCode);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const shown = async (url: string) => {
        await page.goto(url);
        await page.locator("#result[data-done]").waitFor({ timeout: 30_000 });
        return page.locator("#result").textContent();
      };
      expect(await shown(shop)).toBe(`Order 1007: ups ${trackingCode} OUT_FOR_DELIVERY`);
      expect(await shown(other)).toMatch(/^refused: /);
    } finally {
      await browser.close();
    }
  },
  120_000,
);
