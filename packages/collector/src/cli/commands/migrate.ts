import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse } from '../args.ts';

/** Opening a store runs its pending migrations; this command does only that. */
export async function migrateCommand(args: string[]) {
  const { values } = parse(args, dbOption);
  const store = await openStore(resolveDb(values.db));
  await store.close();
  console.log(`migrated ${store.kind} database`);
}
