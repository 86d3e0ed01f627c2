import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../src/core/ids.ts';

describe('uuidv7', () => {
  it('is a version 7, RFC 9562 variant UUID carrying the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 26, 8, 30, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time, as text and so in every index', () => {
    const ids = [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Date.now()].map((t) => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats, across many refills of its random pool', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 20_000 }, () => uuidv7(now)));
    expect(ids.size).toBe(20_000);
  });
});
