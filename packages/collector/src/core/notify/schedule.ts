/**
 * When a failed delivery is tried again: Standard Webhooks' example schedule (at once, then 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h: about a day in all), each delay jittered by up to ±10 % so endpoints coming back are not
 * hit by every collector at the same second. After the last, the delivery has failed.
 */
export const RETRY_DELAYS_MS = [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6];

/** The delay before attempt `attempts + 1` (attempts made so far), or null when there is none left. */
export function nextDelay(attempts: number, delays: readonly number[] = RETRY_DELAYS_MS, random = Math.random) {
  const base = delays[attempts - 1];
  return base === undefined ? null : Math.round(base * (0.9 + 0.2 * random()));
}
