/** Random secrets kept in the database, so every collector on it (and every restart) uses the same one. */
import { randomBytes } from 'node:crypto';
import type { LeadStore } from '../store/lead-store.ts';

/**
 * A getter for the secret stored under `name`, made (32 random bytes) on first use: concurrent first uses, in any
 * process, all get the one stored. Read once per process; a failed read (database down) is tried again next time.
 */
export function sharedSecret(store: LeadStore, name: string): () => Promise<Buffer> {
  let cached: Promise<Buffer> | null = null;
  return () => {
    if (cached) return cached;
    const loading = store
      .putSettingIfAbsent(name, randomBytes(32).toString('base64url'))
      .then((value) => Buffer.from(value, 'base64url'));
    cached = loading;
    loading.catch(() => {
      if (cached === loading) cached = null;
    });
    return loading;
  };
}
