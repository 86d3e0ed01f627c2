/** The IIFE entry (dist/leadtrail.js): installs `window.leadtrail` and replays calls queued by the stub. */
import { type Leadtrail, start } from './api.ts';
import { config } from './config.ts';

type Stub = { q?: ArrayLike<unknown>[]; visitor?: unknown };

try {
  const w = window as unknown as { leadtrail?: Stub | Leadtrail };
  const old = (w.leadtrail || {}) as Stub;
  // A second copy of the script keeps the first one's instance.
  if (!old.visitor) {
    const lt = start(config());
    w.leadtrail = lt;
    for (const a of old.q || []) lt.apply(0, a as [string]);
  }
} catch {}
