/**
 * A lead's journey: the pages of all its visitors (devices) as one list in time order, each page labelled with the
 * device it was read on, and a marker where the visitor came back after a long pause.
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
  const steps = lead.pages_visited.map((page): JourneyStep => {
    const time = page.at ? Date.parse(page.at) : Number.NaN;
    const gap = previous !== null && !Number.isNaN(time) ? time - previous : null;
    if (!Number.isNaN(time)) previous = time;
    return {
      path: page.path,
      title: page.title ?? null,
      at: page.at ?? null,
      device: deviceOf.get(pageKey(page)) ?? 0,
      pauseBefore: gap !== null && gap >= PAUSE_MS ? gap : null,
    };
  });
  return { steps, devices: visitors.map((visitor, i) => ({ ...visitor, number: i + 1 })) };
}
