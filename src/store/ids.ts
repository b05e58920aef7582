// Row ids: UUIDv7 (RFC 9562), time-ordered so that inserts land at the right
// edge of each primary key index, and monotonic within this process (the
// 12-bit rand_a field counts within a millisecond), so rows made one after
// another sort in that order (ties on a timestamp are broken by id). The
// random part comes from a pooled buffer: asking the operating system for 16
// bytes per id cost 4% of an import's CPU.
import { randomFillSync } from "node:crypto";

const pool = new Uint8Array(4096);
let offset = pool.length;
let lastMs = -1;
let counter = 0;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function randomBytes(count: number): Uint8Array {
  if (offset + count > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + count);
  offset += count;
  return bytes;
}

export function newId(): string {
  const random = randomBytes(10);
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = ((random[8]! << 8) | random[9]!) & 0x7ff; // a random start, leaving room to count
  } else if (++counter > 0xfff) {
    lastMs++; // the counter ran out: borrow the next millisecond
    counter = 0;
  }
  const ms = lastMs;
  const high = Math.floor(ms / 2 ** 32); // the top 16 of the 48 bits
  return (
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(ms >>> 24) & 0xff]! +
    HEX[(ms >>> 16) & 0xff]! +
    "-" +
    HEX[(ms >>> 8) & 0xff]! +
    HEX[ms & 0xff]! +
    "-" +
    HEX[0x70 | (counter >>> 8)]! +
    HEX[counter & 0xff]! +
    "-" +
    HEX[0x80 | (random[0]! & 0x3f)]! +
    HEX[random[1]!]! +
    "-" +
    HEX[random[2]!]! +
    HEX[random[3]!]! +
    HEX[random[4]!]! +
    HEX[random[5]!]! +
    HEX[random[6]!]! +
    HEX[random[7]!]!
  );
}
