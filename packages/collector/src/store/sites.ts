/** Sites, their allowed origins and their API keys. */

export interface Site {
  id: string;
  name: string;
  owner_user_id: string;
  allowed_origins: string[];
  created_at: string;
}

export type KeyKind = 'secret' | 'publishable';

export interface ApiKey {
  id: string;
  site_id: string;
  kind: KeyKind;
  prefix: string;
  /**
   * The whole key, kept for publishable keys (public by design: every page of the site carries one) so the script tag
   * can be shown again; always null for secret keys, which are stored hashed only.
   */
  token: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** Reads and writes of sites, origins and keys. */
export interface SiteRows {
  createSite(site: Site): Promise<Site>;
  getSite(id: string): Promise<Site | null>;
  listSites(): Promise<Site[]>;
  setSiteOrigins(siteId: string, origins: string[]): Promise<void>;
  /** Whether any site allows this origin (answers CORS preflights, which carry no key). */
  isOriginAllowedAnywhere(origin: string): Promise<boolean>;
  createApiKey(key: ApiKey & { hash: string }): Promise<ApiKey>;
  /** The live (not revoked) key with this hash, with its site. */
  findApiKeyByHash(hash: string): Promise<{ key: ApiKey; hash: string; site: Site } | null>;
  listApiKeys(siteId: string): Promise<ApiKey[]>;
  /** The key with this id, live or revoked. */
  findApiKey(id: string): Promise<ApiKey | null>;
  /**
   * Revokes a live key; false when there is none. With `keepLastSecret`, a site's last live secret key is not revoked
   * (false too), checked in the same statement.
   */
  revokeApiKey(id: string, at: string, opts?: { keepLastSecret?: boolean }): Promise<boolean>;
}
