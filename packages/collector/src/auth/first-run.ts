import type { LeadStore } from '../store/lead-store.ts';
import { createSiteWithKeys } from './keys.ts';

/** On a database with no site, makes one; its keys are returned this once (only their hashes are stored). */
export async function firstRunSite(store: LeadStore, origins: string[]) {
  if ((await store.listSites()).length > 0) return null;
  return createSiteWithKeys(store, 'My site', origins);
}

/** Makes sure a site allows these origins, keeping the ones it has. */
export async function allowOrigins(store: LeadStore, siteId: string, origins: string[]) {
  const site = await store.getSite(siteId);
  if (!site) return;
  const missing = origins.filter((o) => !site.allowed_origins.includes(o));
  if (missing.length) await store.setSiteOrigins(siteId, [...site.allowed_origins, ...missing]);
}
