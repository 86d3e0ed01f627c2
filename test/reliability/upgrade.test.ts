/**
 * Upgrades: a database made by each earlier migration (the schema built by the old migrations themselves, holding a
 * site, its key, a lead with its pages, a visitor and its history) is brought to the newest schema by a collector
 * opening it, on SQLite and on Postgres; the lead then answers `get` with everything it had, search finds it, the
 * key still works, and new writes succeed. The data is written in the shape of the first schema, which every later
 * migration keeps. A database that has run a migration this collector does not know (a newer leadtrail made it) is
 * refused with a message that says so, by the library and by `leadtrail serve`, and is left as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashKey, openPostgresDialect, SqlLeadStore } from '@leadtrail/collector';
import { type Kysely, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../packages/collector/src/core/context.ts';
import { runLeadsAction } from '../../packages/collector/src/core/run-action.ts';
import { migrationsFor } from '../../packages/collector/src/store/migrations/index.ts';
import type { SqlDialect } from '../../packages/collector/src/store/sql/dialect.ts';
import { openSqliteDialect } from '../../packages/collector/src/store/sqlite/sqlite-dialect.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { runCli } from '../support/processes.ts';

warnIfNoPostgres();

/** Each dialect's history, oldest first, without the newest (the one to upgrade to). */
const earlier = (dialect: 'sqlite' | 'postgres') => Object.keys(migrationsFor(dialect)).sort().slice(0, -1);
const SITE = '0b8f5a1e-6b1c-4d0a-9a3e-2f4c5d6e7f80';
const LEAD = '0b8f5a1e-6b1c-4d0a-9a3e-2f4c5d6e7f81';
const VISITOR = '0b8f5a1e-6b1c-4d0a-9a3e-2f4c5d6e7f82';
const KEY = 'lt_sk_upgradeTESTkeyUPGRADEtestKEY01';
const AT = '2026-06-01T10:00:00.000Z';
const PAGES = JSON.stringify([
  { path: '/pricing', title: 'Pricing', at: '2026-06-01T09:58:00.000Z' },
  { path: '/contact', title: 'Contact', at: '2026-06-01T09:59:00.000Z' },
]);

/** The rows of the first schema: what every later migration must carry forward. */
async function writeFixture(db: Kysely<unknown>) {
  await sql`INSERT INTO sites (id, name, owner_user_id, created_at) VALUES (${SITE}, 'Old site', ${SITE}, ${AT})`.execute(
    db,
  );
  await sql`INSERT INTO site_origins (site_id, origin) VALUES (${SITE}, 'https://old.example')`.execute(db);
  await sql`INSERT INTO api_keys (id, site_id, kind, prefix, hash, created_at)
    VALUES (${LEAD}, ${SITE}, 'secret', ${KEY.slice(0, 12)}, ${hashKey(KEY)}, ${AT})`.execute(db);
  await sql`INSERT INTO leads (id, site_id, user_id, name, email, email_norm, phone, phone_norm, company, notes, status,
      pages_visited, time_spent, visit_count, created_at, updated_at)
    VALUES (${LEAD}, ${SITE}, ${SITE}, 'Ada Lovelace', 'ada@old.example', 'ada@old.example', '+44 20 7946 0000',
      '442079460000', 'Engines Ltd', 'Called in June', 'qualified', ${PAGES}, 95, 2, ${AT}, ${AT})`.execute(db);
  await sql`INSERT INTO visitors (site_id, id, lead_id, pages_visited, time_spent, visit_count, first_seen, last_seen)
    VALUES (${SITE}, ${VISITOR}, ${LEAD}, ${PAGES}, 95, 2, ${AT}, ${AT})`.execute(db);
  await sql`INSERT INTO lead_events (site_id, lead_id, type, from_value, to_value, at)
    VALUES (${SITE}, ${LEAD}, 'created', NULL, 'new', ${AT}), (${SITE}, ${LEAD}, 'status_changed', 'new', 'qualified', ${AT})`.execute(
    db,
  );
}

async function migrateTo(dialect: SqlDialect, name: string) {
  const migrator = new Migrator({
    db: dialect.db,
    provider: { getMigrations: async () => dialect.migrations },
    ...(dialect.migrationSchema ? { migrationTableSchema: dialect.migrationSchema } : {}),
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

/** Opens the upgraded database as a collector does and checks the old lead answers whole. */
async function checkUpgraded(open: () => Promise<SqlDialect>) {
  const store = await SqlLeadStore.open(await open());
  try {
    const site = (await store.getSite(SITE))!;
    expect(site.allowed_origins).toEqual(['https://old.example']);
    const ctx = contextFor(store, site, 'secret');
    const one = (await runLeadsAction(ctx, { action: 'list', lead_id: LEAD })).body as never as {
      data: { lead: Record<string, unknown>; visitors: { id: string }[]; events: { type: string }[] };
    };
    expect(one.data.lead).toMatchObject({
      id: LEAD,
      name: 'Ada Lovelace',
      email: 'ada@old.example',
      phone: '+44 20 7946 0000',
      company: 'Engines Ltd',
      status: 'qualified',
      time_spent: 95,
      visit_count: 2,
      pages_visited: JSON.parse(PAGES),
    });
    expect(one.data.visitors.map((v) => v.id)).toEqual([VISITOR]);
    expect(one.data.events.map((e) => e.type)).toEqual(['created', 'status_changed']);
    for (const search of ['lovelace', 'old.example', 'in june', 'engines']) {
      const found = (await runLeadsAction(ctx, { action: 'list', search })).body as never as {
        data: { leads: { id: string }[] };
      };
      expect(
        found.data.leads.map((l) => l.id),
        search,
      ).toEqual([LEAD]);
    }
    const { verifyApiKey } = await import('@leadtrail/collector');
    expect((await verifyApiKey(store, KEY))?.site.id).toBe(SITE);
    const created = await runLeadsAction(ctx, { action: 'create', name: 'New', email: 'new@old.example' });
    expect(created.status).toBe(201);
  } finally {
    await store.close();
  }
}

/** Marks the database as migrated by a newer leadtrail, then checks it is refused and left alone. */
async function checkRefusesNewer(open: () => Promise<SqlDialect>, db: string) {
  const current = await SqlLeadStore.open(await open());
  const table = current.dialect.migrationSchema
    ? sql`${sql.id(current.dialect.migrationSchema)}.kysely_migration`
    : sql`kysely_migration`;
  await sql`INSERT INTO ${table} (name, timestamp) VALUES ('999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(
    current.dialect.db,
  );
  await current.close();
  await expect(SqlLeadStore.open(await open())).rejects.toThrow(
    /schema is newer than this leadtrail: it has run 999_from_the_future, and this version knows migrations up to \d{3}_\w+\. Upgrade leadtrail/,
  );
  const serve = await runCli(['serve', '--db', db, '--port', '0']);
  expect(serve.code).toBe(1);
  expect(serve.stderr).toContain('newer than this leadtrail');
  const after = await open();
  try {
    const names = (await sql<{ name: string }>`SELECT name FROM ${table} ORDER BY name`.execute(after.db)).rows;
    expect(names.at(-1)?.name).toBe('999_from_the_future');
    expect(names).toHaveLength(Object.keys(after.migrations).length + 1);
  } finally {
    await after.close();
  }
}

describe('upgrading SQLite from every earlier schema', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'leadtrail-upgrade-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(earlier('sqlite'))('from %s', async (name) => {
    const path = join(dir, `${name}.db`);
    const old = openSqliteDialect(path);
    await migrateTo(old, name);
    await writeFixture(old.db as Kysely<unknown>);
    // The collector of that version indexed what it wrote for search; rows written here by hand are indexed the same.
    await sql`INSERT INTO leads_fts (leads_fts) VALUES ('rebuild')`.execute(old.db);
    await old.close();
    await checkUpgraded(async () => openSqliteDialect(path));
  });

  it('refuses a database a newer leadtrail migrated, and leaves it as it was', async () => {
    const path = join(dir, 'newer.db');
    await checkRefusesNewer(async () => openSqliteDialect(path), path);
  });
});

describe.skipIf(!PG_URL)('upgrading Postgres from every earlier schema', () => {
  it.each(earlier('postgres'))('from %s', async (name) => {
    const schema = await createTestSchema();
    try {
      const old = await openPostgresDialect(schema.url);
      await migrateTo(old, name);
      await writeFixture(old.db as Kysely<unknown>);
      await old.close();
      await checkUpgraded(() => openPostgresDialect(schema.url));
    } finally {
      await schema.drop();
    }
  });

  it('refuses a database a newer leadtrail migrated, and leaves it as it was', async () => {
    const schema = await createTestSchema();
    try {
      await checkRefusesNewer(() => openPostgresDialect(schema.url), schema.url);
    } finally {
      await schema.drop();
    }
  });
});

/** A migration that fails halfway: the table it made and its record are rolled back with it. */
async function checkFailedMigrationRollsBack(open: () => Promise<SqlDialect>) {
  const dialect = await open();
  const broken = {
    ...dialect.migrations,
    '999_broken': {
      up: async (db: Kysely<unknown>) => {
        await sql`CREATE TABLE half_done (x integer)`.execute(db);
        throw new Error('the migration fails halfway');
      },
    },
  };
  await expect(SqlLeadStore.open({ ...dialect, migrations: broken })).rejects.toThrow('the migration fails halfway');
  await dialect.close();
  const after = await open();
  try {
    const tables = await after.db.introspection.getTables();
    expect(tables.map((t) => t.name)).not.toContain('half_done');
    const table = after.migrationSchema
      ? sql`${sql.id(after.migrationSchema)}.kysely_migration`
      : sql`kysely_migration`;
    const names = (await sql<{ name: string }>`SELECT name FROM ${table}`.execute(after.db)).rows.map((r) => r.name);
    expect(names).not.toContain('999_broken');
    expect(names).toHaveLength(Object.keys(after.migrations).length);
  } finally {
    await after.close();
  }
}

describe('a migration that fails', () => {
  it('leaves a SQLite database as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadtrail-failed-migration-'));
    try {
      const path = join(dir, 'db.sqlite');
      await (await SqlLeadStore.open(openSqliteDialect(path))).close();
      await checkFailedMigrationRollsBack(async () => openSqliteDialect(path));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!PG_URL)('leaves a Postgres schema as it was', async () => {
    const schema = await createTestSchema();
    try {
      await (await SqlLeadStore.open(await openPostgresDialect(schema.url))).close();
      await checkFailedMigrationRollsBack(() => openPostgresDialect(schema.url));
    } finally {
      await schema.drop();
    }
  });
});
