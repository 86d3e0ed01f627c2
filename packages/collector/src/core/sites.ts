/**
 * Sites, their keys, origins and owner password: the rules every door (the dashboard's setup page, the CLI, the
 * first run) goes through. A site always keeps one live secret key; it allows at most MAX_ORIGINS origins; an owner
 * password meets passwordProblem's rule, and setting or removing it ends the sessions opened with the old one.
 */
import type { ApiKey, KeyKind, LeadStore, Site } from '../store/lead-store.ts';
import { invalidInput, LeadsError, notFound } from './errors.ts';
import { createApiKey } from './keys.ts';
import { MAX_ORIGINS, parseOrigins } from './origins.ts';
import { hashPassword, passwordProblem, verifyPassword } from './owner-password.ts';

const MAX_SITE_NAME = 200;

/** Origins from user input (URLs, or lines), or a 400 naming the ones that are not http(s) origins. */
function originsFrom(values: readonly string[]): string[] {
  const { origins, invalid } = parseOrigins(values);
  if (invalid.length) {
    throw invalidInput(
      invalid.slice(0, 5).map((value) => ({ path: 'origins', message: `${value} is not an http(s) origin` })),
      'Not an http(s) origin',
    );
  }
  if (origins.length > MAX_ORIGINS) {
    throw invalidInput([{ path: 'origins', message: `must be at most ${MAX_ORIGINS} origins` }]);
  }
  return origins;
}

async function siteOf(store: LeadStore, siteId: string): Promise<Site> {
  const site = await store.getSite(siteId.trim());
  if (!site) throw notFound('Site');
  return site;
}

/** A site with one secret and one publishable key; the keys are returned once and never stored. */
export async function createSiteWithKeys(store: LeadStore, name: string, origins: readonly string[] = []) {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > MAX_SITE_NAME) {
    throw invalidInput([{ path: 'name', message: `must be 1 to ${MAX_SITE_NAME} characters` }]);
  }
  const site = await store.createSite({
    id: crypto.randomUUID(),
    name: trimmed,
    owner_user_id: crypto.randomUUID(),
    allowed_origins: originsFrom(origins),
    created_at: new Date().toISOString(),
  });
  const secret = await createApiKey(store, site.id, 'secret');
  const publishable = await createApiKey(store, site.id, 'publishable');
  return { site, secret_key: secret.key, publishable_key: publishable.key };
}

/** On a database with no site, makes one; its keys are returned this once (only their hashes are stored). */
export async function firstRunSite(store: LeadStore, origins: readonly string[]) {
  if ((await store.listSites()).length > 0) return null;
  return createSiteWithKeys(store, 'My site', origins);
}

/** How a first run shows the new site and its keys (`serve` and the demo print these lines). */
export const firstRunKeyLines = (first: Awaited<ReturnType<typeof createSiteWithKeys>>) => [
  'leadtrail: first run, so a site was created. Its secret key is shown this once (only its hash is stored):',
  `  site id          ${first.site.id}`,
  `  secret key       ${first.secret_key}`,
  `  publishable key  ${first.publishable_key}`,
];

export const listSites = (store: LeadStore) => store.listSites();
export const getSite = (store: LeadStore, siteId: string) => store.getSite(siteId.trim());

/** Sets the site's allowed origins (all of them, replacing the list). */
export async function setOrigins(store: LeadStore, siteId: string, values: readonly string[]): Promise<string[]> {
  const site = await siteOf(store, siteId);
  const origins = originsFrom(values);
  await store.setSiteOrigins(site.id, origins);
  return origins;
}

/** Adds origins to the site's list, keeping the ones it has. */
export async function allowOrigins(store: LeadStore, siteId: string, values: readonly string[]) {
  const site = await siteOf(store, siteId);
  const missing = originsFrom(values).filter((o) => !site.allowed_origins.includes(o));
  if (missing.length) await setOrigins(store, site.id, [...site.allowed_origins, ...missing]);
}

/** A new key of the site; `id` (a form's) makes creating it twice create one (the second answers `null`). */
export async function createKey(store: LeadStore, siteId: string, kind: KeyKind, id?: string) {
  if (kind !== 'secret' && kind !== 'publishable') {
    throw invalidInput([{ path: 'kind', message: 'must be secret or publishable' }]);
  }
  const site = await siteOf(store, siteId);
  return createApiKey(store, site.id, kind, id);
}

/** The newest live publishable key kept whole: the one the setup page's script tag carries. */
export async function scriptTagKey(store: LeadStore, siteId: string): Promise<string | null> {
  const keys = await store.listApiKeys(siteId);
  return keys.filter((k) => k.kind === 'publishable' && !k.revoked_at && k.token).at(-1)?.token ?? null;
}

export async function listKeys(store: LeadStore, siteId: string): Promise<ApiKey[]> {
  return store.listApiKeys((await siteOf(store, siteId)).id);
}

/**
 * Revokes a live key (of `siteId`, when given), and ends the dashboard sessions opened with it. The site's last live
 * secret key is kept: `last_secret_key` (create another first).
 */
export async function revokeKey(store: LeadStore, keyId: string, opts: { siteId?: string } = {}): Promise<ApiKey> {
  const key = await store.findApiKey(keyId.trim());
  if (!key || key.revoked_at || (opts.siteId !== undefined && key.site_id !== opts.siteId)) throw notFound('Live key');
  const revoked = await store.revokeApiKey(key.id, new Date().toISOString(), { keepLastSecret: true });
  if (!revoked) {
    const live = await store.findApiKey(key.id);
    if (live && !live.revoked_at) {
      throw new LeadsError('last_secret_key', 'This is the site’s last secret key. Create another secret key first.');
    }
    throw notFound('Live key');
  }
  await store.deleteSiteSessions(key.site_id, 'key', key.id);
  return key;
}

/**
 * Sets (or, with null, removes) the site's owner password, and ends every session opened with a password: a new
 * password takes effect on every collector sharing the database at once.
 */
export async function setOwnerPassword(store: LeadStore, siteId: string, password: string | null) {
  const site = await siteOf(store, siteId);
  let hash: string | null = null;
  if (password !== null) {
    const problem = passwordProblem(password);
    if (problem) throw invalidInput([{ path: 'password', message: problem }]);
    hash = await hashPassword(password);
  }
  await store.setOwnerPassword(site.id, hash, new Date().toISOString());
  await store.deleteSiteSessions(site.id, 'password');
}

export const hasOwnerPassword = async (store: LeadStore, siteId: string) =>
  (await store.getOwnerPassword(siteId)) !== null;

/**
 * The site and the hash `password` matched, when it is the site's owner password; else null. An unknown site costs
 * one scrypt too, like a wrong password. A hash made with weaker parameters is replaced by a current one (sessions
 * are not ended by that), only if it is still the stored one: a password set meanwhile is never undone.
 */
export async function checkOwnerPassword(
  store: LeadStore,
  siteId: string,
  password: string,
): Promise<{ site: Site; hash: string } | null> {
  const site = await store.getSite(siteId.trim());
  const hash = site ? await store.getOwnerPassword(site.id) : null;
  const check = await verifyPassword(password, hash);
  if (!check.ok || !site || !hash) return null;
  if (!check.outdated) return { site, hash };
  const upgraded = await hashPassword(password);
  const replaced = await store.replaceOwnerPassword(site.id, hash, upgraded, new Date().toISOString());
  return replaced ? { site, hash: upgraded } : null;
}

/** Whether the site's owner password is still the one with this hash. */
export const ownerPasswordIs = async (store: LeadStore, siteId: string, hash: string) =>
  (await store.getOwnerPassword(siteId)) === hash;

/** Whether this key is a live secret key of the site. */
export async function isLiveSecretKey(store: LeadStore, siteId: string, keyId: string): Promise<boolean> {
  const key = await store.findApiKey(keyId);
  return key !== null && key.site_id === siteId && key.kind === 'secret' && key.revoked_at === null;
}
