import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { targetOf } from '../../core/notify/message.ts';
import { listWebhooks } from '../../core/notify/webhooks.ts';
import { listKeys, listSites } from '../../core/sites.ts';
import type { LeadStore } from '../../store/lead-store.ts';
import { isPostgresUrl, openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

/** Below this much free space, or this percentage of the disk, the database's disk is "almost full". */
export interface DiskThresholds {
  freeBytes: number;
  freePercent: number;
}
export const DISK_THRESHOLDS: DiskThresholds = { freeBytes: 1024 ** 3, freePercent: 5 };

/** A threshold from the environment (0 turns it off), else its default; a malformed one is a usage error. */
function threshold(name: string, fallback: number, pattern: RegExp, max: number, what: string): number {
  const value = process.env[name];
  if (!value) return fallback;
  if (!pattern.test(value) || Number(value) > max) throw new UsageError(`${name} must be ${what}, got "${value}"`);
  return Number(value);
}

/** The thresholds: LEADTRAIL_DOCTOR_MIN_FREE_BYTES and LEADTRAIL_DOCTOR_MIN_FREE_PERCENT, else 1 GB and 5 %. */
export const diskThresholds = (): DiskThresholds => ({
  freeBytes: threshold(
    'LEADTRAIL_DOCTOR_MIN_FREE_BYTES',
    DISK_THRESHOLDS.freeBytes,
    /^\d+$/,
    Number.MAX_SAFE_INTEGER,
    'a whole number of bytes',
  ),
  freePercent: threshold(
    'LEADTRAIL_DOCTOR_MIN_FREE_PERCENT',
    DISK_THRESHOLDS.freePercent,
    /^\d+(\.\d+)?$/,
    100,
    'a percentage from 0 to 100',
  ),
});

/** What is wrong with this setup, one line each, with what to do about it. */
export async function setupProblems(
  store: LeadStore,
  db: string,
  disk: DiskThresholds = DISK_THRESHOLDS,
): Promise<string[]> {
  const problems: string[] = [];
  const sites = await listSites(store);
  if (!sites.length) problems.push('there is no site: leadtrail sites create --name NAME --origin https://your.site');
  for (const site of sites) {
    const name = `site ${site.id} (${site.name})`;
    if (!site.allowed_origins.length) {
      problems.push(
        `${name} allows no origin, so no page can send it a lead: leadtrail sites origins --site ${site.id} --origin https://your.site`,
      );
    }
    const live = (await listKeys(store, site.id)).filter((k) => !k.revoked_at);
    if (!live.some((k) => k.kind === 'publishable')) {
      problems.push(
        `${name} has no live publishable key for its script tag: leadtrail keys create --site ${site.id} --kind publishable`,
      );
    }
    for (const endpoint of await listWebhooks(store, site.id)) {
      const where = `${endpoint.format} endpoint ${targetOf(endpoint.url)} of ${name}`;
      if (endpoint.disabled_at)
        problems.push(
          `${where} is turned off (${endpoint.disabled_reason}): fix it, then turn it on in Setup → Notifications`,
        );
      else if (endpoint.failing_since)
        problems.push(`${where} has failed every attempt since ${endpoint.failing_since}`);
    }
  }
  if (!isPostgresUrl(db)) {
    const fs = statfsSync(dirname(resolve(db)));
    const free = fs.bavail * fs.bsize;
    if (free < disk.freeBytes || free < (fs.blocks * fs.bsize * disk.freePercent) / 100) {
      problems.push(`the database's disk is almost full: ${(free / 1024 ** 2).toFixed(0)} MB free`);
    }
  }
  return problems;
}

/** `doctor [--db PATH|URL]`: prints what is wrong (exit 1), or that nothing is (exit 0). */
export async function doctorCommand(args: string[]) {
  const { values } = parse(args, dbOption);
  const disk = diskThresholds();
  const db = resolveDb(values.db);
  const store = await openStore(db);
  try {
    const problems = await setupProblems(store, db, disk);
    if (!problems.length) {
      console.log(`leadtrail doctor: nothing wrong found (${store.kind})`);
      return;
    }
    for (const problem of problems) console.log(`problem: ${problem}`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}
