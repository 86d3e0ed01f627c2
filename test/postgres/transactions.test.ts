/**
 * The Postgres store under the failures a shared database brings: a deadlock between two transactions is rerun
 * (not answered with a 500), other errors are not, and connections the server drops are replaced, not fatal.
 */
import { openPostgresDialect, SqlLeadStore } from '@leadtrail/collector';
import { sql as sqlText } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite } from '../support/collector.ts';
import { newLead } from '../support/leads.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { captureQueries } from './capture.ts';

warnIfNoPostgres();

const lead = (siteId: string, email: string) => newLead(siteId, { email });

/** Resolves once `count` parties have arrived. */
function barrier(count: number) {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    if (++arrived === count) release();
    return all;
  };
}

describe.skipIf(!PG_URL)('Postgres transactions and connections', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let store: SqlLeadStore;
  let siteId: string;
  const appName = `leadtrail-test-${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    schema = await createTestSchema();
    const url = new URL(schema.url);
    url.searchParams.set('application_name', appName);
    store = await SqlLeadStore.open(await openPostgresDialect(url.toString()));
    siteId = (await createTestSite(store)).siteId;
  });

  afterAll(async () => {
    await store?.close();
    await schema?.drop();
  });

  it('reruns the transaction that lost a deadlock, so both commit', async () => {
    const one = (await store.insertLead(lead(siteId, 'one@deadlock.test')))!;
    const two = (await store.insertLead(lead(siteId, 'two@deadlock.test')))!;
    const bothLockedOne = barrier(2);
    const attempts = { a: 0, b: 0 };
    // a locks one then two, b locks two then one: a lock cycle Postgres breaks by aborting one with 40P01.
    const run = (name: 'a' | 'b', first: string, second: string) =>
      store.transaction(async (tx) => {
        attempts[name]++;
        await tx.getLead(siteId, first, { lock: true });
        if (attempts[name] === 1) await bothLockedOne();
        await tx.getLead(siteId, second, { lock: true });
        await tx.updateLead(siteId, second, { notes: `by ${name}`, updated_at: new Date().toISOString() });
        return name;
      });
    const results = await Promise.all([run('a', one.id, two.id), run('b', two.id, one.id)]);
    expect(results).toEqual(['a', 'b']);
    // Exactly one of the two was chosen as the deadlock victim and ran again.
    expect(attempts.a + attempts.b).toBe(3);
  }, 30_000);

  it('does not rerun a transaction that failed for any other reason', async () => {
    const taken = (await store.insertLead(lead(siteId, 'taken@retry.test')))!;
    const other = (await store.insertLead(lead(siteId, 'other@retry.test')))!;
    let attempts = 0;
    await expect(
      store.transaction(async (tx) => {
        attempts++;
        await tx.updateLead(siteId, other.id, { email: 'TAKEN@retry.test', updated_at: new Date().toISOString() });
      }),
    ).rejects.toThrow(/already exists/);
    expect(attempts).toBe(1);
    expect((await store.getLead(siteId, taken.id))?.email).toBe('taken@retry.test');
  });

  it('survives the server dropping its idle connections, and reconnects', async () => {
    await Promise.all([store.ping(), store.ping(), store.ping()]);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1',
        [appName],
      );
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // The pool notices the dropped connections (its 'error' event, handled) and opens new ones when needed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.ping();
    expect(await store.getLead(siteId, crypto.randomUUID())).toBeNull();
  });

  it('keeps the hot queries as named statements, parsed once per connection', async () => {
    const single = await SqlLeadStore.open(await openPostgresDialect(schema.url, { poolSize: 1 }));
    try {
      const known = (await single.insertLead(lead(siteId, 'named@statements.test')))!;
      const prepared = async () =>
        (
          await sqlText<{
            name: string;
            statement: string;
          }>`SELECT name, statement FROM pg_prepared_statements`.execute(single.dialect.db)
        ).rows.filter((row) => /from "leads" where "site_id" = \$1 and "id" = \$2$/.test(row.statement));
      for (let i = 0; i < 3; i++) expect((await single.getLead(siteId, known.id))?.id).toBe(known.id);
      const once = await prepared();
      expect(once).toHaveLength(1);
      expect(once[0]!.name).toMatch(/^leadtrail_\d+$/);
      await single.getLead(siteId, known.id);
      expect(await prepared()).toEqual(once);
    } finally {
      await single.close();
    }
  });

  it('answers on after a migration changes a table under its named statements (in and out of a transaction)', async () => {
    const known = (await store.insertLead(lead(siteId, 'stale@plan.test')))!;
    // Parsed on every connection of the pool: ten look-ups at once take all of them.
    await Promise.all(Array.from({ length: 10 }, () => store.getLead(siteId, known.id, {})));
    await Promise.all(
      Array.from({ length: 10 }, () => store.transaction((tx) => tx.getLead(siteId, known.id, { lock: true }))),
    );
    const admin = new pg.Client({ connectionString: schema.url });
    await admin.connect();
    try {
      // What a newer collector's migration does: `SELECT *` now has one more column.
      await admin.query('ALTER TABLE leads ADD COLUMN added_by_a_later_version text');
    } finally {
      await admin.end();
    }
    const plain = await Promise.all(Array.from({ length: 10 }, () => store.getLead(siteId, known.id)));
    expect(plain.map((found) => found?.email)).toEqual(Array(10).fill('stale@plan.test'));
    const locked = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.transaction(async (tx) => (await tx.getLead(siteId, known.id, { lock: true }))?.email),
      ),
    );
    expect(locked).toEqual(Array(10).fill('stale@plan.test'));
  });

  it('runs reads outside a transaction: no BEGIN and COMMIT round trips', async () => {
    // The capture sees what runs on the store's own executor; a transaction runs on an executor of its own.
    const capture = captureQueries(await openPostgresDialect(schema.url));
    const reader = await SqlLeadStore.open(capture.dialect);
    try {
      const missing = crypto.randomUUID();
      capture.take();
      expect(await reader.read((ops) => ops.getLead(siteId, missing))).toBeNull();
      expect(capture.take().map((query) => query.sql)).toEqual([expect.stringMatching(/from "leads" where/)]);
      expect(await reader.transaction((tx) => tx.getLead(siteId, missing))).toBeNull();
      expect(capture.take()).toEqual([]);
    } finally {
      await reader.close();
    }
  });
});
