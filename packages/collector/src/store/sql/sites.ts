/** Sites, origins and keys in SQL. */
import type { Kysely } from 'kysely';
import type { ApiKey, Site, SiteRows } from '../sites.ts';
import type { SqlDialect } from './dialect.ts';
import { prepare } from './prepared.ts';
import { isUuid } from './queryable.ts';
import { decodeJson, toIso } from './rows.ts';
import type { Database } from './schema.ts';

const keyOf = (
  row: Omit<ApiKey, 'created_at' | 'revoked_at'> & { created_at: string | Date; revoked_at: string | Date | null },
): ApiKey => ({
  ...row,
  created_at: toIso(row.created_at),
  revoked_at: row.revoked_at == null ? null : toIso(row.revoked_at),
});

/**
 * Every request's first query: the live key with its site and the site's origins, in one statement (on Postgres each
 * statement is a round trip).
 */
const KEY_BY_HASH = prepare((db, $: { hash: string }, dialect) =>
  db
    .selectFrom('api_keys')
    .innerJoin('sites', 'sites.id', 'api_keys.site_id')
    .select((eb) => [
      'api_keys.id',
      'api_keys.site_id',
      'api_keys.kind',
      'api_keys.prefix',
      'api_keys.token',
      'api_keys.hash',
      'api_keys.created_at',
      'api_keys.revoked_at',
      'sites.name as site_name',
      'sites.owner_user_id',
      'sites.created_at as site_created_at',
      eb
        .selectFrom('site_origins')
        .select(dialect.jsonTextArray('origin').as('origins'))
        .whereRef('site_origins.site_id', '=', 'api_keys.site_id')
        .as('origins'),
    ])
    .where('api_keys.hash', '=', $.hash)
    .where('api_keys.revoked_at', 'is', null),
);

export class SqlSites implements SiteRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async createSite(site: Site) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sites')
        .values({ id: site.id, name: site.name, owner_user_id: site.owner_user_id, created_at: site.created_at })
        .execute();
      if (site.allowed_origins.length) {
        await trx
          .insertInto('site_origins')
          .values(site.allowed_origins.map((origin) => ({ site_id: site.id, origin })))
          .execute();
      }
    });
    return site;
  }

  async getSite(id: string) {
    if (!isUuid(id)) return null;
    const row = await this.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.withOrigins(row) : null;
  }

  async listSites() {
    const rows = await this.db.selectFrom('sites').selectAll().orderBy('created_at').execute();
    return Promise.all(rows.map((row) => this.withOrigins(row)));
  }

  private async withOrigins(row: { id: string; name: string; owner_user_id: string; created_at: string | Date }) {
    const origins = await this.db
      .selectFrom('site_origins')
      .select('origin')
      .where('site_id', '=', row.id)
      .orderBy('origin')
      .execute();
    return { ...row, created_at: toIso(row.created_at), allowed_origins: origins.map((o) => o.origin) };
  }

  async setSiteOrigins(siteId: string, origins: string[]) {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('site_origins').where('site_id', '=', siteId).execute();
      if (origins.length) {
        await trx
          .insertInto('site_origins')
          .values(origins.map((origin) => ({ site_id: siteId, origin })))
          .execute();
      }
    });
  }

  async isOriginAllowedAnywhere(origin: string) {
    const row = await this.db
      .selectFrom('site_origins')
      .select('site_id')
      .where('origin', '=', origin)
      .executeTakeFirst();
    return row !== undefined;
  }

  async createApiKey(key: ApiKey & { hash: string }) {
    await this.db.insertInto('api_keys').values(key).execute();
    const { hash: _, ...record } = key;
    return record;
  }

  async findApiKeyByHash(hash: string) {
    const row = await KEY_BY_HASH.first(this.db, this.dialect, { hash });
    if (!row) return null;
    const site: Site = {
      id: row.site_id,
      name: row.site_name,
      owner_user_id: row.owner_user_id,
      created_at: toIso(row.site_created_at),
      allowed_origins: decodeJson(row.origins) as string[],
    };
    const key: ApiKey = {
      id: row.id,
      site_id: row.site_id,
      kind: row.kind,
      prefix: row.prefix,
      token: row.token,
      created_at: toIso(row.created_at),
      revoked_at: null,
    };
    return { key, hash: row.hash, site };
  }

  async listApiKeys(siteId: string) {
    if (!isUuid(siteId)) return [];
    const rows = await this.db
      .selectFrom('api_keys')
      .select(['id', 'site_id', 'kind', 'prefix', 'token', 'created_at', 'revoked_at'])
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .execute();
    return rows.map(keyOf);
  }

  async revokeApiKey(id: string, at: string, opts: { keepLastSecret?: boolean } = {}) {
    if (!isUuid(id)) return false;
    let query = this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null);
    if (opts.keepLastSecret) {
      query = query.where((eb) =>
        eb.or([
          eb('kind', '<>', 'secret'),
          eb.exists(
            eb
              .selectFrom('api_keys as other')
              .select('other.id')
              .whereRef('other.site_id', '=', 'api_keys.site_id')
              .where('other.kind', '=', 'secret')
              .where('other.revoked_at', 'is', null)
              .whereRef('other.id', '<>', 'api_keys.id'),
          ),
        ]),
      );
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async findApiKey(id: string) {
    if (!isUuid(id)) return null;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'site_id', 'kind', 'prefix', 'token', 'created_at', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? keyOf(row) : null;
  }
}
