/**
 * `leadtrail doctor`'s disk check, on the real reading of the database's filesystem (statfs): the thresholds (1 GB and
 * 5 % free by default) come from LEADTRAIL_DOCTOR_MIN_FREE_BYTES and LEADTRAIL_DOCTOR_MIN_FREE_PERCENT, so a threshold
 * above any real disk makes this machine's disk "almost full" without mocking or filling anything.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSiteWithKeys, openStore } from '@leadtrail/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../../test/support/processes.ts';

const MB = 1024 ** 2;
let dir: string;
let db: string;

/** `leadtrail doctor` on the test's database with the thresholds given (unset: the defaults). */
async function doctor(env: Record<string, string> = {}) {
  const {
    DATABASE_URL: _,
    LEADTRAIL_DOCTOR_MIN_FREE_BYTES: __,
    LEADTRAIL_DOCTOR_MIN_FREE_PERCENT: ___,
    ...base
  } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, 'doctor', '--db', db], {
      env: { ...base, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The free megabytes `doctor` reports, and what statfs says right now. */
function reported(stdout: string) {
  const match = /^problem: the database's disk is almost full: (\d+) MB free$/m.exec(stdout);
  expect(match, stdout).not.toBeNull();
  const disk = statfsSync(dir);
  return { mb: Number(match![1]), actual: (disk.bavail * disk.bsize) / MB, total: (disk.blocks * disk.bsize) / MB };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leadtrail-doctor-disk-'));
  db = join(dir, 'leadtrail.db');
  // A setup with nothing else wrong: a site with an origin and its publishable key.
  const store = await openStore(db);
  await createSiteWithKeys(store, 'Disk', ['https://disk.example']);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('leadtrail doctor: the disk', { timeout: 120_000 }, () => {
  it('reports the real free space once it is under the byte threshold or the percentage threshold', async () => {
    const [none, bytes, percent] = await Promise.all([
      doctor({ LEADTRAIL_DOCTOR_MIN_FREE_BYTES: '0', LEADTRAIL_DOCTOR_MIN_FREE_PERCENT: '0' }),
      // 8 PiB: more than any disk this runs on has free.
      doctor({ LEADTRAIL_DOCTOR_MIN_FREE_BYTES: String(2 ** 53 - 1), LEADTRAIL_DOCTOR_MIN_FREE_PERCENT: '0' }),
      // Every disk has less than all of itself free (the database is on it).
      doctor({ LEADTRAIL_DOCTOR_MIN_FREE_BYTES: '0', LEADTRAIL_DOCTOR_MIN_FREE_PERCENT: '100' }),
    ]);
    expect(none).toMatchObject({ code: 0, stdout: 'leadtrail doctor: nothing wrong found (sqlite)\n' });
    for (const almostFull of [bytes, percent]) {
      expect(almostFull.code, almostFull.stderr).toBe(1);
      expect(almostFull.stdout.trim().split('\n')).toHaveLength(1);
      const { mb, actual, total } = reported(almostFull.stdout);
      // The disk's real free space (other processes write to it meanwhile: within 1 % of its size).
      expect(Math.abs(mb - actual)).toBeLessThanOrEqual(Math.max(2, total / 100));
    }
  });

  it('uses 1 GB and 5 % free when nothing is set', async () => {
    const result = await doctor();
    const disk = statfsSync(dir);
    const free = disk.bavail * disk.bsize;
    const almostFull = free < 1024 ** 3 || free < disk.blocks * disk.bsize * 0.05;
    expect(result.code).toBe(almostFull ? 1 : 0);
    if (almostFull) reported(result.stdout);
    else expect(result.stdout).toBe('leadtrail doctor: nothing wrong found (sqlite)\n');
    // A byte threshold twice the real free space finds the disk almost full; half of it does not.
    const [over, under] = await Promise.all([
      doctor({ LEADTRAIL_DOCTOR_MIN_FREE_BYTES: String(free * 2), LEADTRAIL_DOCTOR_MIN_FREE_PERCENT: '0' }),
      doctor({ LEADTRAIL_DOCTOR_MIN_FREE_BYTES: String(Math.floor(free / 2)), LEADTRAIL_DOCTOR_MIN_FREE_PERCENT: '0' }),
    ]);
    expect(over.code).toBe(1);
    reported(over.stdout);
    expect(under).toMatchObject({ code: 0, stdout: 'leadtrail doctor: nothing wrong found (sqlite)\n' });
  });

  it('a malformed threshold is a usage error', async () => {
    const [bytes, percent] = await Promise.all([
      doctor({ LEADTRAIL_DOCTOR_MIN_FREE_BYTES: '1GB' }),
      doctor({ LEADTRAIL_DOCTOR_MIN_FREE_PERCENT: '150' }),
    ]);
    expect(bytes.code).toBe(2);
    expect(bytes.stderr).toMatch(
      /^leadtrail: LEADTRAIL_DOCTOR_MIN_FREE_BYTES must be a whole number of bytes, got "1GB"/,
    );
    expect(percent.code).toBe(2);
    expect(percent.stderr).toMatch(/^leadtrail: LEADTRAIL_DOCTOR_MIN_FREE_PERCENT must be a percentage from 0 to 100/);
  });
});
