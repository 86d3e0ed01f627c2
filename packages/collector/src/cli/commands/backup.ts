import { backupPostgres, restorePostgres } from '../../store/backup/postgres-backup.ts';
import { BackupError, backupSqlite, restoreSqlite } from '../../store/backup/sqlite-backup.ts';
import { isPostgresUrl, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

/** `backup --out FILE [--db PATH|URL]`: a consistent copy while collectors keep running. */
export async function backupCommand(args: string[]) {
  const { values } = parse(args, { ...dbOption, out: { type: 'string' } });
  if (!values.out) throw new UsageError('backup needs --out FILE');
  const db = resolveDb(values.db);
  try {
    if (isPostgresUrl(db)) {
      const { schema } = await backupPostgres(db, values.out);
      console.log(`backed up schema ${schema} to ${values.out} (pg_dump custom format)`);
    } else {
      const { pages } = await backupSqlite(db, values.out);
      console.log(`backed up ${db} to ${values.out} (${pages} pages)`);
    }
  } catch (error) {
    if (error instanceof BackupError) throw new UsageError(error.message);
    throw error;
  }
}

/** `restore --from FILE [--db PATH|URL] [--replace]`: the collectors on that database stopped first. */
export async function restoreCommand(args: string[]) {
  const { values } = parse(args, { ...dbOption, from: { type: 'string' }, replace: { type: 'boolean' } });
  if (!values.from) throw new UsageError('restore needs --from FILE');
  const db = resolveDb(values.db);
  try {
    if (isPostgresUrl(db)) {
      await restorePostgres(values.from, db);
      console.log(`restored ${values.from} into ${new URL(db).pathname.slice(1) || 'the database'}`);
    } else {
      const { migrations } = restoreSqlite(values.from, db, { replace: values.replace === true });
      console.log(
        `restored ${values.from} to ${db} (schema ${migrations.at(-1) ?? 'empty'}; start the collector to bring it up to date)`,
      );
    }
  } catch (error) {
    if (error instanceof BackupError) throw new UsageError(error.message);
    throw error;
  }
}
