/**
 * Touches: how a visitor arrived. A visitor keeps its first touch (the earliest) and its latest with a source (the
 * newest that is not direct; the first while none is), so a replay, or touches sent in any order, change nothing. A
 * lead rolls up its visitors: the earliest first touch of any of them, and the newest latest touch with a source
 * (two devices: the one that came first gives the first touch).
 */
import type { Attribution, TouchDetails, TouchInput } from '@leadtrail/protocol';
import type { VisitorTouches } from '../../store/visitors.ts';
import { parseTouch } from './channel.ts';

export const NO_TOUCHES: VisitorTouches = { first_touch: null, latest_touch: null };
export const NO_ATTRIBUTION: Attribution = { first_touch: null, latest_touch: null, channel: null };

const earliest = (touches: (TouchDetails | null)[]) =>
  touches.reduce<TouchDetails | null>((best, t) => (t && (!best || t.at < best.at) ? t : best), null);
const newest = (touches: (TouchDetails | null)[]) =>
  touches.reduce<TouchDetails | null>((best, t) => (t && (!best || t.at > best.at) ? t : best), null);

/** The first touch, and the newest with a source (a direct visit replaces no touch), else the first. */
function firstAndLatest(firsts: (TouchDetails | null)[], latests: (TouchDetails | null)[]): VisitorTouches {
  const first_touch = earliest(firsts);
  const sourced = latests.filter((t) => t && t.channel !== 'direct');
  return { first_touch, latest_touch: newest(sourced) ?? first_touch };
}

/** A visitor's touches after a report of more (parsed here: the landing URL, referrer and time as sent). */
export function mergeTouches(current: VisitorTouches, reported: readonly TouchInput[] = []): VisitorTouches {
  if (!reported.length) return { first_touch: current.first_touch, latest_touch: current.latest_touch };
  const parsed = reported.map((touch) => parseTouch(touch));
  return firstAndLatest([current.first_touch, ...parsed], [current.latest_touch, ...parsed]);
}

/** A lead's attribution from its visitors' touches; its channel is its first touch's. */
export function leadAttribution(visitors: readonly VisitorTouches[]): Attribution {
  const { first_touch, latest_touch } = firstAndLatest(
    visitors.map((v) => v.first_touch),
    visitors.map((v) => v.latest_touch),
  );
  return { first_touch, latest_touch, channel: first_touch?.channel ?? null };
}

/** Whether two attributions say the same (so an unchanged one is not written again). */
export const sameAttribution = (a: Attribution, b: Attribution) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The seed's origin and source, from the first touch: origin the channel (`organic_search`, `email`, ...), source
 * the touch's source name (utm_source, else the click id's platform, else the referrer's host; `direct` for a
 * direct visit). Null with no touch.
 */
export function originAndSource(attribution: Attribution): { origin: string; source: string } | null {
  const touch = attribution.first_touch;
  return touch ? { origin: touch.channel, source: touch.source ?? touch.channel } : null;
}
