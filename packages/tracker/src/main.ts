/** The IIFE entry (dist/leadtrail.js): installs `window.leadtrail` and replays calls queued by the stub. */
import { type Leadtrail, start } from './api.ts';
import { config } from './config.ts';

type Stub = { q?: ArrayLike<unknown>[]; visitor?: unknown };

try {
  const page = window as unknown as { leadtrail?: Stub | Leadtrail };
  const stub = (page.leadtrail || {}) as Stub;
  // A second copy of the script keeps the first one's instance.
  if (!stub.visitor) {
    const tracker = start(config());
    page.leadtrail = tracker;
    for (const call of stub.q || []) tracker.apply(0, call as [string]);
  }
} catch {}
