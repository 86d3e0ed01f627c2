/** A site's allowed origins: kept as `scheme://host[:port]`, the form browsers send in the Origin header. */
import type { LeadStore } from '../store/lead-store.ts';

/** At most this many origins per site: a CORS allow-list, not a directory. */
export const MAX_ORIGINS = 100;

/** The origin of an http(s) URL, or null. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** Values (URLs, or lines of text split on newlines and commas) as origins, without repeats; the others named. */
export function parseOrigins(values: readonly string[]): { origins: string[]; invalid: string[] } {
  const origins: string[] = [];
  const invalid: string[] = [];
  for (const line of values.flatMap((v) => v.split(/[\r\n,]+/))) {
    const value = line.trim();
    if (!value) continue;
    const origin = normalizeOrigin(value);
    if (!origin) invalid.push(value);
    else if (!origins.includes(origin)) origins.push(origin);
  }
  return { origins, invalid };
}

/** Whether any site allows this origin: CORS preflights carry no key, so they are answered for all sites' origins. */
export const originAllowedAnywhere = (store: LeadStore, origin: string) => store.isOriginAllowedAnywhere(origin);
