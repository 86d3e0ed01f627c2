/** Settings and owner passwords in SQL. */
import type { SettingsRows } from '../settings.ts';
import type { Queryable } from './queryable.ts';
import { isUuid } from './queryable.ts';

export class SqlSettings implements SettingsRows {
  constructor(private readonly db: Queryable) {}

  async putSettingIfAbsent(key: string, value: string) {
    const db = this.db;
    await db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return row.value;
  }

  async getSetting(key: string) {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async putSetting(key: string, value: string) {
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async getOwnerPassword(siteId: string) {
    if (!isUuid(siteId)) return null;
    const row = await this.db
      .selectFrom('owner_passwords')
      .select('hash')
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return row?.hash ?? null;
  }

  async replaceOwnerPassword(siteId: string, expected: string, hash: string, at: string) {
    const result = await this.db
      .updateTable('owner_passwords')
      .set({ hash, updated_at: at })
      .where('site_id', '=', siteId)
      .where('hash', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setOwnerPassword(siteId: string, hash: string | null, at: string) {
    const db = this.db;
    if (hash === null) {
      await db.deleteFrom('owner_passwords').where('site_id', '=', siteId).execute();
      return;
    }
    await db
      .insertInto('owner_passwords')
      .values({ site_id: siteId, hash, updated_at: at })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ hash, updated_at: at }))
      .execute();
  }
}
