/** The tracker's wire payload: an identify input plus the publishable key, posted as text/plain JSON. */
import type { IdentifyInput } from './actions.ts';

/** The body field that carries a publishable key (a browser cannot set headers on a beacon). */
export const BROWSER_KEY_FIELD = 'key';
export const BROWSER_BODY_LIMIT = 32 * 1024;

export type TrackerPayload = IdentifyInput & { key: string; event_id: string };
