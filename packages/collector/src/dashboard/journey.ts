/**
 * A lead's journey: the pages of all its visitors (devices) as one list in time order, each page labelled with the
 * device it was read on, how long the visitor stayed on it, and a marker where the visitor came back after a long
 * pause. The time on a page is the time until the next page on the same device within the visit: the tracker keeps
 * no per-page engaged time (its size budget has no room for it), so the last page of a visit has none.
 */
import type { Lead, Visitor } from '@leadtrail/protocol';
import { pageKey } from '../core/behaviour.ts';

/** A pause this long (the tracker's visit timeout) starts a new part of the journey. */
const PAUSE_MS = 30 * 60 * 1000;

export interface JourneyStep {
  path: string;
  title: string | null;
  at: string | null;
  /** 1-based device number; 0 for pages given through the API rather than by a tracked browser. */
  device: number;
  /** Milliseconds since the previous page, when that is a pause of 30 minutes or more. */
  pauseBefore: number | null;
  /** Milliseconds until the next page on the same device, when that came within the visit; null when unknown. */
  timeOnPage: number | null;
}

export interface Journey {
  steps: JourneyStep[];
  devices: (Visitor & { number: number })[];
}

export function buildJourney(lead: Lead, visitors: readonly Visitor[]): Journey {
  const deviceOf = new Map<string, number>();
  visitors.forEach((visitor, i) => {
    for (const page of visitor.pages_visited) if (!deviceOf.has(pageKey(page))) deviceOf.set(pageKey(page), i + 1);
  });
  let previous: number | null = null;
  const timeOf = (at: string | null | undefined) => (at ? Date.parse(at) : Number.NaN);
  const steps = lead.pages_visited.map((page): JourneyStep => {
    const time = timeOf(page.at);
    const gap = previous !== null && !Number.isNaN(time) ? time - previous : null;
    if (!Number.isNaN(time)) previous = time;
    return {
      path: page.path,
      title: page.title ?? null,
      at: page.at ?? null,
      device: deviceOf.get(pageKey(page)) ?? 0,
      pauseBefore: gap !== null && gap >= PAUSE_MS ? gap : null,
      timeOnPage: null,
    };
  });
  // Each page's stay: until the same device's next page (in time order), if that came within the visit.
  const byDevice = new Map<number, JourneyStep[]>();
  for (const step of steps) {
    if (step.device && !Number.isNaN(timeOf(step.at)))
      byDevice.set(step.device, [...(byDevice.get(step.device) ?? []), step]);
  }
  for (const pages of byDevice.values()) {
    pages.sort((a, b) => timeOf(a.at) - timeOf(b.at));
    pages.forEach((step, i) => {
      const next = pages[i + 1];
      const stay = next ? timeOf(next.at) - timeOf(step.at) : Number.NaN;
      if (stay >= 0 && stay < PAUSE_MS) step.timeOnPage = stay;
    });
  }
  return { steps, devices: visitors.map((visitor, i) => ({ ...visitor, number: i + 1 })) };
}
