import { once } from "node:events";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coalescingSocket } from "../src/db/coalescing-socket.js";

let server: net.Server;
let received: Buffer[];
beforeAll(async () => {
  received = [];
  server = net.createServer((connection) => connection.on("data", (chunk) => received.push(chunk)));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const connected = async () => {
  const socket = coalescingSocket();
  socket.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  await once(socket, "connect");
  return socket;
};

describe("coalescingSocket", () => {
  it("holds what is written in one turn and sends it together after it", async () => {
    const socket = await connected();
    socket.write("BEGIN;");
    socket.write("SELECT 1;");
    // Held back while the turn lasts (a plain socket would have sent each write already).
    expect(socket.writableCorked).toBe(1);
    await Promise.resolve();
    socket.write("SELECT 2;");
    expect(socket.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.writableCorked).toBe(0);
    socket.write("COMMIT;");
    expect(socket.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    await expect.poll(() => Buffer.concat(received).toString()).toBe("BEGIN;SELECT 1;SELECT 2;COMMIT;");
    socket.destroy();
  });
});
