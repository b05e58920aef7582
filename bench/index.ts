// npm run bench: the gateway's benchmarks, on PostgreSQL (DATABASE_URL or the
// local service). Not part of npm test.
import os from "node:os";
import { importBench } from "./import.js";

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`node ${process.version}, ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);

const [result] = await importBench(Number(process.env.BENCH_IMPORT_ORDERS ?? 10_000));
console.log(
  `bulk import: ${result!.orders} native orders in ${result!.seconds.toFixed(1)} s = ${Math.round(result!.ordersPerSecond)} orders/s ` +
    `(RSS ${Math.round(result!.rssStartMb)} MB at start, ${Math.round(result!.rssPeakMb)} MB peak)`,
);
