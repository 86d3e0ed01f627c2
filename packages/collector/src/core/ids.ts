/**
 * Lead ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. New ids sort after old
 * ones, so each insert touches the right-hand edge of every index keyed by a lead id (the leads' primary key, the
 * visitors' and events' lead_id) instead of a random page of each: on SQLite that halves what a commit writes to the
 * WAL (docs/reliability.md), on Postgres it keeps B-tree inserts local. They are ordinary UUIDs to every client.
 * The time of creation they reveal is also in the lead's created_at.
 */
import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = new Uint8Array(16 * POOL_IDS);
let next = POOL_IDS;

export function uuidv7(now = Date.now()): string {
  // Random bytes drawn 4 KB at a time: one call to the system's generator per 256 ids.
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const b = pool.subarray(16 * next, 16 * next + 16);
  next++;
  // 48-bit big-endian milliseconds (written as 16 + 32 bits: bit operators are 32-bit).
  const high = Math.floor(now / 2 ** 32);
  b[0] = high >>> 8;
  b[1] = high & 0xff;
  b[2] = now >>> 24;
  b[3] = (now >>> 16) & 0xff;
  b[4] = (now >>> 8) & 0xff;
  b[5] = now & 0xff;
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const hex = Buffer.from(b.buffer, b.byteOffset, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
