import { createSiteWithKeys } from '../../auth/keys.ts';
import { normalizeOrigin } from '../../auth/origins.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

export function parseOrigins(values: string[] | undefined): string[] {
  return (values ?? []).map((value) => {
    const origin = normalizeOrigin(value);
    if (!origin) throw new UsageError(`--origin must be an http(s) URL, got ${value}`);
    return origin;
  });
}

export async function sitesCommand(args: string[]) {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {
    ...dbOption,
    name: { type: 'string' },
    origin: { type: 'string', multiple: true },
    site: { type: 'string' },
    json: { type: 'boolean' },
  });
  const store = await openStore(resolveDb(values.db));
  try {
    if (sub === 'create') {
      if (!values.name?.trim()) throw new UsageError('sites create needs --name');
      const created = await createSiteWithKeys(store, values.name.trim(), parseOrigins(values.origin));
      const keys = {
        site_id: created.site.id,
        secret_key: created.secret_key,
        publishable_key: created.publishable_key,
      };
      if (values.json) console.log(JSON.stringify(keys));
      else {
        console.log(`site ${keys.site_id} (${created.site.name})`);
        console.log(`secret key:      ${keys.secret_key}   (server side only; shown once)`);
        console.log(`publishable key: ${keys.publishable_key}   (for the script tag)`);
      }
    } else if (sub === 'list') {
      const sites = await store.listSites();
      if (values.json) console.log(JSON.stringify(sites));
      else for (const s of sites) console.log(`${s.id}  ${s.name}  ${s.allowed_origins.join(' ') || '(no origins)'}`);
    } else if (sub === 'origins') {
      if (!values.site) throw new UsageError('sites origins needs --site ID and the --origin values to allow');
      if (!(await store.getSite(values.site))) throw new UsageError(`no site ${values.site}`);
      await store.setSiteOrigins(values.site, parseOrigins(values.origin));
      console.log(`site ${values.site} allows: ${parseOrigins(values.origin).join(' ') || '(no origins)'}`);
    } else {
      throw new UsageError('sites create|list|origins');
    }
  } finally {
    await store.close();
  }
}
