/** The dashboard's signed-in sessions. */

/** A signed-in dashboard session. The cookie holds a random token; the store keeps only its SHA-256 (`id`). */
export interface DashboardSession {
  id: string;
  site_id: string;
  /** How the owner signed in: with a secret key (`ref` is its id) or the owner password (`ref` is "password"). */
  method: 'key' | 'password';
  ref: string;
  /** Random per session; the CSRF token is derived from it. */
  nonce: string;
  created_at: string;
  expires_at: string;
}

export interface SessionRows {
  createSession(session: DashboardSession): Promise<void>;
  /** The session with this id, if it exists and has not expired at `now`. */
  findSession(id: string, now: string): Promise<DashboardSession | null>;
  deleteSession(id: string): Promise<void>;
  /** Ends a site's sessions opened by `method` (and `ref`, when given; all when both are omitted); returns how many. */
  deleteSiteSessions(siteId: string, method?: DashboardSession['method'], ref?: string): Promise<number>;
  pruneSessions(now: string): Promise<number>;
}
