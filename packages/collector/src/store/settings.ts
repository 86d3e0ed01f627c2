/** Collector-wide settings and the sites' owner passwords. */

export interface SettingsRows {
  /** The setting's value, storing `value` first if it has none: concurrent callers all get the one stored. */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  /** The site's dashboard owner password (a scrypt hash, see dashboard/password.ts), or null. */
  getOwnerPassword(siteId: string): Promise<string | null>;
  /** Sets the site's owner password hash; null removes it. */
  setOwnerPassword(siteId: string, hash: string | null, at: string): Promise<void>;
}
