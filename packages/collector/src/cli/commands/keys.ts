import { LeadsError } from '../../core/errors.ts';
import { createKey, getSite, listKeys, revokeKey } from '../../core/sites.ts';
import type { KeyKind } from '../../store/lead-store.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

export async function keysCommand(args: string[]) {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    ...dbOption,
    site: { type: 'string' },
    kind: { type: 'string' },
    json: { type: 'boolean' },
  });
  const store = await openStore(resolveDb(values.db));
  try {
    if (sub === 'create') {
      const kind = (values.kind ?? 'secret') as KeyKind;
      if (kind !== 'secret' && kind !== 'publishable') throw new UsageError('--kind must be secret or publishable');
      if (!values.site || !(await getSite(store, values.site)))
        throw new UsageError('keys create needs --site ID of a site');
      const { key, record } = await createKey(store, values.site, kind);
      if (values.json) console.log(JSON.stringify({ id: record.id, kind, key }));
      else console.log(`${kind} key ${record.id}: ${key}${kind === 'secret' ? '   (shown once)' : ''}`);
    } else if (sub === 'list') {
      if (!values.site) throw new UsageError('keys list needs --site ID');
      if (!(await getSite(store, values.site))) throw new UsageError(`no site ${values.site}`);
      const keys = await listKeys(store, values.site);
      if (values.json) console.log(JSON.stringify(keys));
      else
        for (const k of keys) {
          console.log(
            `${k.id}  ${k.kind.padEnd(11)}  ${k.token ?? `${k.prefix}…`}  ${k.revoked_at ? `revoked ${k.revoked_at}` : 'live'}`,
          );
        }
    } else if (sub === 'revoke') {
      const [id] = positionals;
      if (!id) throw new UsageError('keys revoke KEY_ID');
      try {
        await revokeKey(store, id);
      } catch (error) {
        if (error instanceof LeadsError && error.code === 'not_found') throw new UsageError(`no live key ${id}`);
        throw error;
      }
      console.log(`revoked ${id} (its dashboard sessions ended)`);
    } else {
      throw new UsageError('keys create|list|revoke');
    }
  } finally {
    await store.close();
  }
}
