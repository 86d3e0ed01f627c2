/**
 * The site owner's time zone: an IANA name (`Europe/Berlin`) kept per site in the settings store, UTC until the
 * owner chooses one. The dashboard shows days and times in it.
 */
import type { LeadStore } from '../store/lead-store.ts';
import { invalidInput } from './errors.ts';

export const DEFAULT_TIME_ZONE = 'UTC';

const settingKey = (siteId: string) => `time_zone:${siteId}`;

/** The zone's name as this runtime's Intl spells it (`asia/kolkata` -> `Asia/Calcutta` on Node 20), or null. */
export function canonicalTimeZone(name: string): string | null {
  if (!name || name.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The zones an owner chooses from: UTC first (Intl lists only regions), then every region of this runtime. */
export function timeZoneChoices(): string[] {
  return [DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== DEFAULT_TIME_ZONE)];
}

/**
 * The site's zone and whether the owner chose it: the one stored, or UTC (also when a stored name is unknown to this
 * runtime).
 */
export async function siteTimeZone(store: LeadStore, siteId: string): Promise<{ zone: string; chosen: boolean }> {
  const stored = await store.getSetting(settingKey(siteId));
  const zone = stored ? canonicalTimeZone(stored) : null;
  return zone ? { zone, chosen: true } : { zone: DEFAULT_TIME_ZONE, chosen: false };
}

/** Stores the site's zone; a name Intl does not know is refused (invalid_input). Returns the name stored. */
export async function setSiteTimeZone(store: LeadStore, siteId: string, name: string): Promise<string> {
  const zone = canonicalTimeZone(name.trim());
  if (!zone) throw invalidInput([{ path: 'time_zone', message: 'must be an IANA time zone, e.g. Europe/Berlin' }]);
  await store.putSetting(settingKey(siteId), zone);
  return zone;
}
