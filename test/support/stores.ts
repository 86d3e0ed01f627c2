/** The stores every conformance case runs against: SQLite always, Postgres when a test server is configured. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LeadStore, openStore } from '@leadtrail/collector';
import { createTestSchema, PG_URL, warnIfNoPostgres } from './postgres.ts';

export interface StoreHandle {
  store: LeadStore;
  /** What `--db` would be for this store (a file path or a postgres URL). */
  db: string;
  cleanup: () => Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  available: boolean;
  open: () => Promise<StoreHandle>;
}

export async function openSqliteTestStore(): Promise<StoreHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'leadtrail-test-'));
  const db = join(dir, 'leadtrail.db');
  const store = await openStore(db);
  return {
    store,
    db,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openPostgresTestStore(): Promise<StoreHandle> {
  const schema = await createTestSchema();
  const store = await openStore(schema.url);
  return {
    store,
    db: schema.url,
    cleanup: async () => {
      await store.close();
      await schema.drop();
    },
  };
}

warnIfNoPostgres();

export const STORE_KINDS: StoreKind[] = [
  { name: 'sqlite', available: true, open: openSqliteTestStore },
  { name: 'postgres', available: Boolean(PG_URL), open: openPostgresTestStore },
];
