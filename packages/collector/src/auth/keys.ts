/** API keys: random, shown once, stored as a SHA-256 hash. `lt_sk_` secret, `lt_pk_` publishable. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKey, KeyKind, LeadStore, Site } from '../store/lead-store.ts';

const PREFIX: Record<KeyKind, string> = { secret: 'lt_sk_', publishable: 'lt_pk_' };
const KEY_SHAPE = /^lt_(sk|pk)_[A-Za-z0-9_-]{20,100}$/;

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const keyKindOf = (key: string): KeyKind | null =>
  key.startsWith(PREFIX.secret) ? 'secret' : key.startsWith(PREFIX.publishable) ? 'publishable' : null;

export async function createApiKey(store: LeadStore, siteId: string, kind: KeyKind) {
  const key = `${PREFIX[kind]}${randomBytes(24).toString('base64url')}`;
  const record = await store.createApiKey({
    id: crypto.randomUUID(),
    site_id: siteId,
    kind,
    // Enough to tell keys apart in a list, too little to guess the rest.
    prefix: key.slice(0, PREFIX[kind].length + 6),
    hash: hashKey(key),
    created_at: new Date().toISOString(),
    revoked_at: null,
  });
  return { key, record };
}

/** The live key and its site, or null. The hash look-up is by index; the final comparison is constant-time. */
export async function verifyApiKey(store: LeadStore, key: string): Promise<{ key: ApiKey; site: Site } | null> {
  if (!KEY_SHAPE.test(key)) return null;
  const hash = hashKey(key);
  const found = await store.findApiKeyByHash(hash);
  if (!found) return null;
  const same = timingSafeEqual(Buffer.from(found.hash, 'hex'), Buffer.from(hash, 'hex'));
  if (!same || found.key.kind !== keyKindOf(key)) return null;
  return { key: found.key, site: found.site };
}

/** A site with one secret and one publishable key; the keys are returned once and never stored. */
export async function createSiteWithKeys(store: LeadStore, name: string, origins: string[]) {
  const site = await store.createSite({
    id: crypto.randomUUID(),
    name,
    owner_user_id: crypto.randomUUID(),
    allowed_origins: origins,
    created_at: new Date().toISOString(),
  });
  const secret = await createApiKey(store, site.id, 'secret');
  const publishable = await createApiKey(store, site.id, 'publishable');
  return { site, secret_key: secret.key, publishable_key: publishable.key };
}
