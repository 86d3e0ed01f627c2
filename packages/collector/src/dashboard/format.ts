/** How the dashboard writes times and durations: in the site's time zone (UTC by default), unambiguous, short. */
import { localTime, pad, toDay } from './calendar.ts';

/** `2026-11-26 10:04 UTC`, or `2026-11-26 19:04 Asia/Tokyo` in a zone (with `:37` seconds if asked); '' for nothing. */
export function formatTime(iso: string | null | undefined, seconds = false, zone = 'UTC'): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (zone === 'UTC')
    return `${date
      .toISOString()
      .slice(0, seconds ? 19 : 16)
      .replace('T', ' ')} UTC`;
  const t = localTime(zone, date.getTime());
  const clock = `${pad(t.hour)}:${pad(t.minute)}${seconds ? `:${pad(t.second)}` : ''}`;
  return `${toDay(t.year, t.month, t.day)} ${clock} ${zone}`;
}

/** `2026-11-26` */
export const formatDay = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '');

/** `45 s`, `3 min 20 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  if (s < 86_400) {
    const minutes = Math.floor((s % 3600) / 60);
    return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${Math.floor(s / 3600)} h`;
  }
  const hours = Math.floor((s % 86_400) / 3600);
  return hours ? `${Math.floor(s / 86_400)} d ${hours} h` : `${Math.floor(s / 86_400)} d`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
