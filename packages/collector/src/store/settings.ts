/** Collector-wide settings and the sites' owner passwords. */

export interface SettingsRows {
  /** The setting's value, storing `value` first if it has none: concurrent callers all get the one stored. */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  /** The setting's value, or null when it has none. */
  getSetting(key: string): Promise<string | null>;
  /** Stores the setting's value, replacing any. */
  putSetting(key: string, value: string): Promise<void>;
  /** The site's dashboard owner password (a scrypt hash, see dashboard/password.ts), or null. */
  getOwnerPassword(siteId: string): Promise<string | null>;
  /** Replaces the hash only if it is still `expected` (compare-and-set); false when it changed meanwhile. */
  replaceOwnerPassword(siteId: string, expected: string, hash: string, at: string): Promise<boolean>;
  /** Sets the site's owner password hash; null removes it. */
  setOwnerPassword(siteId: string, hash: string | null, at: string): Promise<void>;
}
