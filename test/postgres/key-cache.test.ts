/**
 * Key look-ups cached on Postgres (store/postgres/config-listener.ts): two collectors on one database, one revokes
 * or changes what the other has cached, and the other stops using it once the database's notification arrives; its
 * own writes count at once; and nothing is cached while its listening connection is down.
 */
import { createSiteWithKeys, openPostgresDialect, SqlLeadStore, verifyApiKey } from '@leadtrail/collector';
import { sql as sqlText } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_CHANNEL, ConfigListener } from '../../packages/collector/src/store/postgres/config-listener.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';

warnIfNoPostgres();

/** Polls `check` until it holds or `ms` pass; whether it held. */
async function within(ms: number, check: () => Promise<boolean> | boolean): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/** Lets the notifications of writes just made arrive (each moves the version on once more). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/** The generation part of a Postgres config version (`<generation>.<age bucket>`). */
const generation = (store: SqlLeadStore) => store.configVersion()?.split('.')[0] ?? null;

describe.skipIf(!PG_URL)('key look-ups cached on Postgres', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let one: SqlLeadStore;
  let other: SqlLeadStore;
  let lookups = 0;
  const appName = `leadtrail-keys-${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    schema = await createTestSchema();
    const url = new URL(schema.url);
    url.searchParams.set('application_name', appName);
    one = await SqlLeadStore.open(await openPostgresDialect(url.toString()));
    other = await SqlLeadStore.open(await openPostgresDialect(schema.url));
    const find = one.findApiKeyByHash;
    one.findApiKeyByHash = (hash) => {
      lookups++;
      return find(hash);
    };
    // The first ask starts the listening connection; versions are given once it listens.
    one.configVersion();
    expect(await within(5_000, () => one.configVersion() !== null)).toBe(true);
  });

  afterAll(async () => {
    await one?.close();
    await other?.close();
    await schema?.drop();
  });

  it('looks a key up once while nothing changes', async () => {
    const { secret_key } = await createSiteWithKeys(one, 'Cached', []);
    await settle();
    const before = lookups;
    for (let i = 0; i < 5; i++) expect(await verifyApiKey(one, secret_key)).not.toBeNull();
    expect(lookups - before).toBe(1);
  });

  it("refuses a key another collector revoked once the database's notification arrives", async () => {
    const { secret_key, site } = await createSiteWithKeys(other, 'Revoked elsewhere', []);
    await settle();
    expect(await verifyApiKey(one, secret_key)).not.toBeNull();
    const keyId = (await other.listApiKeys(site.id)).find((key) => key.kind === 'secret')!.id;
    const seen = generation(one);
    expect(await other.revokeApiKey(keyId, new Date().toISOString())).toBe(true);
    expect(await within(2_000, () => generation(one) !== seen)).toBe(true);
    expect(await verifyApiKey(one, secret_key)).toBeNull();
  });

  it('answers with the origins another collector set, not the cached ones', async () => {
    const { publishable_key, site } = await createSiteWithKeys(other, 'Origins', ['https://old.example']);
    await settle();
    expect((await verifyApiKey(one, publishable_key))?.site.allowed_origins).toEqual(['https://old.example']);
    const seen = generation(one);
    await other.setSiteOrigins(site.id, ['https://new.example']);
    expect(await within(2_000, () => generation(one) !== seen)).toBe(true);
    expect((await verifyApiKey(one, publishable_key))?.site.allowed_origins).toEqual(['https://new.example']);
  });

  it('refuses a key it revoked itself at the very next look-up', async () => {
    const { secret_key, site } = await createSiteWithKeys(one, 'Revoked here', []);
    expect(await verifyApiKey(one, secret_key)).not.toBeNull();
    const keyId = (await one.listApiKeys(site.id)).find((key) => key.kind === 'secret')!.id;
    const seen = one.configVersion();
    await one.revokeApiKey(keyId, new Date().toISOString());
    // Before any notification could be read: the commit itself moved the version on.
    expect(one.configVersion()).not.toBe(seen);
    expect(await verifyApiKey(one, secret_key)).toBeNull();
  });

  it('caches nothing while its listening connection is down, and listens again', async () => {
    const { secret_key } = await createSiteWithKeys(one, 'Listener down', []);
    await verifyApiKey(one, secret_key);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        appName,
      ]);
    } finally {
      await admin.end();
    }
    expect(await within(2_000, () => one.configVersion() === null)).toBe(true);
    // While it is down, every request looks its key up.
    const before = lookups;
    for (let i = 0; i < 3; i++) expect(await verifyApiKey(one, secret_key)).not.toBeNull();
    expect(lookups - before).toBe(3);
    expect(await within(5_000, () => one.configVersion() !== null)).toBe(true);
  });

  it('trusts its listening connection only once a notification sent through another has come back on it', async () => {
    const connection = { connectionString: schema.url };
    // A pooler in transaction mode takes LISTEN and delivers nothing: as here, where the probe is never sent.
    const deaf = new ConfigListener(connection, schema.schema, async () => {});
    const heard = new ConfigListener(connection, schema.schema, (payload) =>
      other.dialect.db.executeQuery(sqlText`SELECT pg_notify(${CONFIG_CHANNEL}, ${payload})`.compile(other.dialect.db)),
    );
    try {
      deaf.version();
      heard.version();
      expect(await within(3_000, () => heard.version() !== null)).toBe(true);
      expect(deaf.version()).toBeNull();
    } finally {
      await deaf.close();
      await heard.close();
    }
  });
});
