/**
 * `leadtrail migrate` run by several processes at once on a fresh schema: Kysely's Migrator takes a Postgres
 * advisory lock around the migrations, so every process succeeds and the schema is migrated exactly once, in its
 * own schema (never mistaking another schema's migration table for its own).
 */

import { openStore } from '@leadtrail/collector';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../packages/collector/src/store/migrations/index.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { runCli } from '../support/processes.ts';

const postgresMigrations = migrationsFor('postgres');

warnIfNoPostgres();

describe.skipIf(!PG_URL)('leadtrail migrate on Postgres', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let other: Awaited<ReturnType<typeof createTestSchema>>;
  let db: pg.Client;

  beforeAll(async () => {
    [schema, other] = await Promise.all([createTestSchema(), createTestSchema()]);
    db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await schema?.drop();
    await other?.drop();
  });

  const tablesIn = async (name: string) =>
    (
      await db.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [name],
      )
    ).rows.map((row) => row.table_name);

  it('three processes migrating one fresh schema at once all succeed, and it is migrated once', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => runCli(['migrate', '--db', schema.url])));
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('migrated postgres database');
    }
    const { rows } = await db.query(`SELECT name FROM ${schema.schema}.kysely_migration ORDER BY name`);
    expect(rows.map((row) => row.name)).toEqual(Object.keys(postgresMigrations).sort());
    expect(await tablesIn(schema.schema)).toEqual(
      expect.arrayContaining(['api_keys', 'ingest_receipts', 'kysely_migration', 'lead_events', 'leads', 'visitors']),
    );
    // A later start finds nothing to do.
    const again = await runCli(['migrate', '--db', schema.url]);
    expect(again.code).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${schema.schema}.kysely_migration`)).rows[0].n).toBe(
      Object.keys(postgresMigrations).length,
    );
  }, 120_000);

  it("migrates a second schema of the same database on its own, not fooled by the first one's tables", async () => {
    const run = await runCli(['migrate', '--db', other.url]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await tablesIn(other.schema)).toEqual(expect.arrayContaining(['kysely_migration', 'leads', 'visitors']));
  }, 60_000);

  it('opens and migrates while other clients create and drop schemas of the same database', async () => {
    // Other clients of the database (other test runs, other apps) come and go meanwhile; a collector must still start.
    let churning = true;
    const churn = Promise.all(
      [0, 1, 2].map(async (c) => {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        try {
          for (let i = 0; churning; i++) {
            const name = `lt_churn_${process.pid}_${c}_${i}`;
            // Separate statements, each committed, so other sessions see the schema come and go.
            await client.query(`CREATE SCHEMA ${name}`);
            await client.query(`CREATE TABLE ${name}.t (id int)`);
            await client.query(`DROP SCHEMA ${name} CASCADE`);
          }
        } finally {
          await client.end();
        }
      }),
    );
    const failures: string[] = [];
    try {
      const fresh = await createTestSchema();
      try {
        for (let round = 0; round < 40; round++) {
          // Each open runs the Migrator, which looks up the schema's tables before anything else.
          const store = await openStore(fresh.url).catch((error: Error) => {
            failures.push(error.message);
            return null;
          });
          await store?.close();
        }
      } finally {
        await fresh.drop();
      }
    } finally {
      churning = false;
      await churn;
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
