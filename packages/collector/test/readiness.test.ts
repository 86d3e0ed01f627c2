/**
 * /readyz, for load balancers: 200 with the schema's newest migration while the store answers and has run every
 * migration this collector knows; 503 with a reason when a migration is pending (say, an older backup restored under
 * a running collector) or when the store does not answer. /healthz stays the plain liveness check. Both stores.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../../../test/support/stores.ts';
import { createApp } from '../src/app.ts';
import { appOptions } from '../src/server.ts';
import type { SqlLeadStore } from '../src/store/sql/sql-store.ts';

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`/readyz [${kind.name}]`, () => {
    it('is ready with an up-to-date schema, and says why not with a pending migration or no store', async () => {
      const handle = await kind.open();
      const store = handle.store as SqlLeadStore;
      const app = createApp(appOptions({ store, log: () => {} }));
      const ready = async () => {
        const response = await app.request('http://collector.test/readyz');
        return { status: response.status, body: await response.json() };
      };
      try {
        const newest = Object.keys(store.dialect.migrations).sort().at(-1);
        expect(await ready()).toEqual({
          status: 200,
          body: { ready: true, store: kind.name, schema: newest, pending: [] },
        });
        const table = store.dialect.migrationSchema
          ? sql`${sql.id(store.dialect.migrationSchema)}.kysely_migration`
          : sql`kysely_migration`;
        await sql`DELETE FROM ${table} WHERE name = ${newest}`.execute(store.dialect.db);
        expect(await ready()).toEqual({
          status: 503,
          body: {
            ready: false,
            store: kind.name,
            schema: expect.any(String),
            pending: [newest],
            reason: 'The database schema is not up to date: run leadtrail migrate',
          },
        });
      } finally {
        await handle.cleanup();
      }
      const gone = await ready();
      expect(gone.status).toBe(503);
      expect(gone.body).toMatchObject({ ready: false, reason: expect.stringMatching(/^The store does not answer/) });
    });
  });
}
