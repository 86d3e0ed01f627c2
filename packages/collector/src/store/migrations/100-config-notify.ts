/**
 * Postgres tells every collector when sites, their origins or keys change, so each may cache its key look-ups
 * (store/postgres/config-listener.ts): a notification on channel `leadtrail_config`, the schema as payload, sent when
 * the writing transaction commits. SQLite needs none: a collector reads its data_version before each look-up.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

const notifyOn = (table: string) =>
  `CREATE TRIGGER ${table}_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION leadtrail_config_changed()`;

export const configNotify: DialectMigration = {
  postgres: sqlMigration(`
CREATE FUNCTION leadtrail_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('leadtrail_config', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;
${notifyOn('sites')};
${notifyOn('site_origins')};
${notifyOn('api_keys')}
`),
};
