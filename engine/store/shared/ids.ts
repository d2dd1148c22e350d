/**
 * Store ids: UUID version 7 (RFC 9562), time-ordered, so primary-key indexes grow at their end
 * instead of splitting pages at random, and ids sort by creation time.
 */
import { randomFillSync } from 'node:crypto';

const random = new Uint8Array(10);
let lastMs = 0;
let counter = 0;

export function newId(now = Date.now()): string {
  randomFillSync(random);
  // Within one millisecond, a 12-bit counter (rand_a) keeps ids of this process increasing.
  if (now <= lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs++;
    now = lastMs;
  } else {
    lastMs = now;
    counter = random[0]! & 0x3ff;
  }
  const hex = now.toString(16).padStart(12, '0');
  const randA = (0x7000 | counter).toString(16);
  const variant = ((random[1]! & 0x3f) | 0x80).toString(16);
  const tail = Buffer.from(random.subarray(2, 9)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${randA}-${variant}${tail.slice(0, 2)}-${tail.slice(2, 14)}`;
}
