/**
 * What the proxies you run (`--trust-proxy N`) say about a request, and nothing its client says. Each proxy appends
 * the address it received the request from to X-Forwarded-For, so only the rightmost N entries are written by hops
 * you trust; anything to their left came with the request and may be made up. The rule is Express's `trust proxy`
 * with a hop count (proxy-addr): count N hops in from the right.
 */
import { isIP } from 'node:net';

/** `trustProxy` as given to the app: a whole number of proxy hops, 0 = none (X-Forwarded-* ignored). */
export function trustedHops(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new RangeError(`trustProxy must be a whole number of proxy hops (0 = off), got ${String(value)}`);
}

/** The entries of a comma-separated forwarding header, several headers of the same name joined in order. */
const entries = (header: string | readonly string[] | undefined): string[] =>
  header === undefined ? [] : (typeof header === 'string' ? header : header.join(',')).split(',').map((s) => s.trim());

/**
 * An entry as an address: a bare IPv4 or IPv6 address, also written with a port (`203.0.113.9:4711`, as some
 * load balancers do) or in brackets (`[2001:db8::1]:443`); null for anything else (empty, `unknown`, a name).
 */
function addressOf(entry: string): string | null {
  if (isIP(entry)) return entry;
  const match = /^\[([^\]]+)\](?::\d+)?$/.exec(entry) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return match && isIP(match[1]!) ? match[1]! : null;
}

/**
 * The client's address. With addresses = [socket address, ...X-Forwarded-For entries from right to left], the
 * first `hops` are trusted proxies and the client is addresses[hops]; when the list is shorter, its furthest entry
 * (the leftmost of X-Forwarded-For). With 0 hops X-Forwarded-For is ignored.
 *
 * Entries keep their positions (an empty one still counts as a hop), so a client adding entries on the left can
 * never move which entry is picked. A picked entry that is not an address is not taken as anyone's identity: the
 * socket address (the nearest proxy) stands in, so odd values cannot mint fresh rate-limit buckets.
 */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | readonly string[] | undefined,
  hops: number,
): string {
  if (hops < 1) return socketAddress;
  const forwarded = entries(forwardedFor);
  if (forwarded.length === 0) return socketAddress;
  const picked = forwarded[Math.max(0, forwarded.length - hops)]!;
  return addressOf(picked) ?? socketAddress;
}

/**
 * The value of X-Forwarded-Host or -Proto set by the nearest trusted hop: its rightmost entry (a proxy that appends
 * puts its own last; one that overwrites leaves only its own). Undefined when there is none.
 */
export function nearestHopValue(header: string | readonly string[] | undefined): string | undefined {
  return entries(header).at(-1) || undefined;
}
