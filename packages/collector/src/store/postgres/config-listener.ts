/**
 * When sites, keys or origins may have changed on Postgres, so that a collector may keep the keys it has looked up
 * (core/keys.ts) instead of spending a round trip on every request.
 *
 * Migration 100 has Postgres send a notification on channel `leadtrail_config` whenever a statement changes
 * `sites`, `site_origins` or `api_keys` (with the schema as payload), when the writing transaction commits. Each
 * collector listens on a connection of its own and bumps its version for its schema's notifications; its own writes
 * bump it as soon as they commit (the pool tells, see pool.ts), without waiting for their notification.
 * A key revoked by another collector or the CLI is therefore refused once its notification arrives: within
 * milliseconds, where SQLite's check is exact.
 *
 * No version (null: every request looks its key up) while the listening connection is not up: before the first
 * request, and from the moment it fails until it is back (then the version moves on, since anything may have
 * changed meanwhile). It counts as up only once a probe, a notification sent through the pool, has come back on it;
 * a probe every few seconds finds a connection that stopped delivering, and the version also moves on every
 * MAX_AGE_MS, so no cached look-up outlives that even then.
 */
import pg from 'pg';

export const CONFIG_CHANNEL = 'leadtrail_config';
/** Writes to these tables change what a key look-up answers. */
const CONFIG_WRITE =
  /^\s*(insert\s+into|update|delete\s+from|truncate)\s+(?:"?\w+"?\.)?"?(api_keys|sites|site_origins)"?/i;
/** The longest a cached look-up is used, even if a notification were lost. */
const MAX_AGE_MS = 10_000;
/** How often the listening connection is probed, and how long a probe may take to come back. */
const PING_MS = 5_000;
/** The least time between two attempts to listen. */
const RETRY_MS = 1_000;

export const isConfigWrite = (text: string) => CONFIG_WRITE.test(text);

export class ConfigListener {
  private generation = 0;
  private client: pg.Client | null = null;
  private listening = false;
  private lastAttempt = 0;
  private ping: NodeJS.Timeout | undefined;
  /** The probe on its way: its payload, and the timer that gives up on the connection if it does not arrive. */
  private probe: { payload: string; timeout: NodeJS.Timeout } | null = null;
  private closed = false;

  /** `notify` sends a notification on the channel through another connection (the pool's). */
  constructor(
    private readonly connection: pg.ClientConfig,
    private readonly schema: string,
    private readonly notify: (payload: string) => Promise<unknown>,
  ) {}

  /** The current version, or null when changes cannot be told (then nothing may be cached). */
  version(): string | null {
    if (!this.listening) {
      this.listen();
      return null;
    }
    return `${this.generation}.${Math.floor(Date.now() / MAX_AGE_MS)}`;
  }

  /** Sites, keys or origins changed (a notification, or this collector's own committed write). */
  changed() {
    this.generation++;
  }

  async close() {
    this.closed = true;
    this.drop();
  }

  private listen() {
    if (this.client || this.closed || Date.now() - this.lastAttempt < RETRY_MS) return;
    this.lastAttempt = Date.now();
    const client = new pg.Client(this.connection);
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel !== CONFIG_CHANNEL) return;
      if (message.payload === this.schema) this.changed();
      else if (this.probe && message.payload === this.probe.payload) this.probed(client);
    });
    // A connection that fails or ends: nothing is cached until a new one listens.
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    client
      .connect()
      .then(() => client.query(`LISTEN ${CONFIG_CHANNEL}`))
      .then(() => this.sendProbe(client))
      .catch(() => this.drop(client));
  }

  /**
   * Notifications are trusted only once one sent through another connection has arrived (a pooler between the
   * collector and Postgres may accept LISTEN and deliver nothing); the check is repeated every PING_MS, which also
   * finds a connection that died without saying so.
   */
  private sendProbe(client: pg.Client) {
    if (this.client !== client || this.probe) return;
    const payload = `${this.schema} probe ${crypto.randomUUID()}`;
    const timeout = setTimeout(() => this.drop(client), PING_MS);
    timeout.unref();
    this.probe = { payload, timeout };
    this.notify(payload).catch(() => this.drop(client));
  }

  private probed(client: pg.Client) {
    clearTimeout(this.probe?.timeout);
    this.probe = null;
    if (this.listening || this.client !== client) return;
    // Anything may have changed before the listening began.
    this.changed();
    this.listening = true;
    this.ping = setInterval(() => this.sendProbe(client), PING_MS);
    this.ping.unref();
  }

  private drop(client: pg.Client | null = this.client) {
    if (!client || client !== this.client) return;
    this.listening = false;
    this.client = null;
    // The next attempt waits a while: a server that refuses or drops connections is not asked again at once.
    this.lastAttempt = Date.now();
    clearInterval(this.ping);
    clearTimeout(this.probe?.timeout);
    this.probe = null;
    this.changed();
    client.end().catch(() => {});
  }
}
