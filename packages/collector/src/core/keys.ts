/**
 * API keys: random, stored as a SHA-256 hash and looked up by it. `lt_sk_` secret keys are shown once, when created.
 * `lt_pk_` publishable keys are public by design (every page of the site carries one in its script tag), so they are
 * also kept whole, for the setup page to show a working tag at any time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, KeyKind, LeadStore, Site } from '../store/lead-store.ts';

const PREFIX: Record<KeyKind, string> = { secret: 'lt_sk_', publishable: 'lt_pk_' };
const KEY_SHAPE = /^lt_(sk|pk)_[A-Za-z0-9_-]{20,100}$/;

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const keyKindOf = (key: string): KeyKind | null =>
  key.startsWith(PREFIX.secret) ? 'secret' : key.startsWith(PREFIX.publishable) ? 'publishable' : null;

export async function createApiKey(store: LeadStore, siteId: string, kind: KeyKind, id: string = crypto.randomUUID()) {
  const key = `${PREFIX[kind]}${randomBytes(24).toString('base64url')}`;
  const record = await store.createApiKey({
    id,
    site_id: siteId,
    kind,
    // Enough to tell keys apart in a list, too little to guess the rest.
    prefix: key.slice(0, PREFIX[kind].length + 6),
    hash: hashKey(key),
    token: kind === 'publishable' ? key : null,
    created_at: new Date().toISOString(),
    revoked_at: null,
  });
  return { key, record };
}

type FoundKey = NonNullable<Awaited<ReturnType<LeadStore['findApiKeyByHash']>>>;

/**
 * Live keys found recently, per store, tagged with the store's "sites and keys may have changed" version. Only a store
 * that can tell that version cheaply offers it (SQLite: its data_version, see store/sqlite/group-commit.ts); on the
 * others every request looks its key up. Only keys that were found are kept, so guessed keys cannot fill it.
 */
const found = new WeakMap<LeadStore, Map<string, { version: string; found: FoundKey }>>();
const CACHED_KEYS = 1000;

async function findKey(store: LeadStore, hash: string): Promise<FoundKey | null> {
  const version = store.configVersion();
  if (version === null) return store.findApiKeyByHash(hash);
  let cache = found.get(store);
  const hit = cache?.get(hash);
  if (hit && hit.version === version) return hit.found;
  const fresh = await store.findApiKeyByHash(hash);
  if (!fresh) return null;
  if (!cache) {
    cache = new Map();
    found.set(store, cache);
  }
  if (cache.size >= CACHED_KEYS) cache.clear();
  // Tagged with the version read before the look-up: a change meanwhile makes the next request look again.
  cache.set(hash, { version, found: fresh });
  return fresh;
}

/**
 * The live key and its site, or null. The key is looked up by its SHA-256 hash (an index look-up that reveals nothing
 * about how close a wrong key is), then the hashes are compared in constant time. A revoked key fails at its next
 * request: a cached look-up is only used while the store says no site or key has changed since.
 */
export async function verifyApiKey(store: LeadStore, key: string): Promise<{ key: ApiKey; site: Site } | null> {
  if (!KEY_SHAPE.test(key)) return null;
  const hash = hashKey(key);
  const match = await findKey(store, hash);
  if (!match) return null;
  const same = timingSafeEqual(Buffer.from(match.hash, 'hex'), Buffer.from(hash, 'hex'));
  if (!same || match.key.kind !== keyKindOf(key)) return null;
  return { key: match.key, site: match.site };
}
