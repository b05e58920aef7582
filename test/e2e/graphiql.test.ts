// GraphiQL in a real browser (Debian's Chromium, driven by playwright-core):
// `npm start` on a fresh database, the example query run, the demo orders shown.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { projectRoot } from "../../src/db/migrate.js";
import { createPostgresTestDatabase } from "../helpers.js";
import { haveChromium, launchChromium } from "./browser.js";

it.skipIf(!haveChromium)(
  "runs the example query in GraphiQL and shows the demo orders",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "gateway-e2e-"));
    const database = process.env.DATABASE_URL ? await createPostgresTestDatabase() : null;
    const { DATABASE_URL: _, ...inherited } = process.env;
    const server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: projectRoot,
      env: {
        ...inherited,
        ...(database ? { DATABASE_URL: database.url } : { PGLITE_DIR: join(dir, "pglite") }),
        PORT: "0",
        NODE_ENV: "development",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const browser = await launchChromium();
    try {
      let output = "";
      const url = await new Promise<string>((resolve, reject) => {
        server.stdout!.on("data", (chunk) => {
          output += chunk;
          const match = /GraphQL and GraphiQL at (\S+)/.exec(output);
          if (match && output.includes("demo API key:")) resolve(match[1]!);
        });
        server.stderr!.on("data", (chunk) => (output += chunk));
        server.once("exit", () => reject(new Error(output)));
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await page.locator(".graphiql-execute-button").click({ timeout: 30_000 });
      const response = page.locator(".graphiql-response");
      // The response editor renders the lines in view: the total and the
      // newest demo order (a Malomo order with its scans) are at the top.
      // The editor lays text out with non-breaking spaces.
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text as shown, which the editor's lines need
      const shown = async () => (await response.innerText()).replace(/\s+/g, " ");
      await expect.poll(shown, { timeout: 30_000 }).toContain('"totalCount": 305');
      expect(await shown()).toContain('"source": "MALOMO"');
      await mkdir(join(projectRoot, "test-results"), { recursive: true });
      await page.screenshot({ path: join(projectRoot, "test-results", "graphiql.png") });
    } finally {
      await browser.close();
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    }
  },
  120_000,
);
