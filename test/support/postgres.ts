/**
 * Postgres for tests: LEADTRAIL_TEST_DATABASE_URL names the server; each call makes its own schema and
 * drops it after. Without the variable the Postgres cases are skipped, and say so loudly.
 */
import pg from 'pg';

export const PG_URL = process.env.LEADTRAIL_TEST_DATABASE_URL;

let warned = false;
export function warnIfNoPostgres(): void {
  if (PG_URL || warned) return;
  warned = true;
  process.stderr.write(
    '\n*** LEADTRAIL_TEST_DATABASE_URL is not set: the PostgreSQL cases are SKIPPED. ' +
      'Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them; CI does. ***\n\n',
  );
}

/** A fresh schema; the returned URL puts it first on the search path, so child processes can use it too. */
export async function createTestSchema(): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  if (!PG_URL) throw new Error('LEADTRAIL_TEST_DATABASE_URL is not set');
  const schema = `lt_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    // The extension lives in public, once, so every test schema finds its operator classes.
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => {});
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    url: url.toString(),
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
