import { LeadsError } from '../../core/errors.ts';
import { addWebhook, listWebhooks, removeWebhook, type WEBHOOK_FORMATS } from '../../core/notify/webhooks.ts';
import { getSite } from '../../core/sites.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

export async function webhooksCommand(args: string[]) {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    ...dbOption,
    site: { type: 'string' },
    url: { type: 'string' },
    event: { type: 'string', multiple: true },
    format: { type: 'string' },
    json: { type: 'boolean' },
  });
  const store = await openStore(resolveDb(values.db));
  try {
    if (sub === 'add') {
      if (!values.site || !(await getSite(store, values.site)))
        throw new UsageError('webhooks add needs --site ID of a site');
      if (!values.url) throw new UsageError('webhooks add needs --url URL');
      const format = (values.format ?? 'standard') as (typeof WEBHOOK_FORMATS)[number];
      try {
        const added = await addWebhook(store, values.site, { url: values.url, format, events: values.event ?? [] });
        if (values.json) console.log(JSON.stringify(added));
        else console.log(`webhook ${added.webhook_id}: signing secret ${added.secret}   (shown once)`);
      } catch (error) {
        if (error instanceof LeadsError) throw new UsageError(error.message);
        throw error;
      }
    } else if (sub === 'list') {
      if (!values.site) throw new UsageError('webhooks list needs --site ID');
      if (!(await getSite(store, values.site))) throw new UsageError(`no site ${values.site}`);
      const webhooks = await listWebhooks(store, values.site);
      if (values.json) console.log(JSON.stringify(webhooks));
      else
        for (const w of webhooks) {
          const state = w.disabled_at ? `disabled: ${w.disabled_reason}` : 'live';
          console.log(`${w.id}  ${w.format.padEnd(8)}  ${w.url}  ${(w.events ?? ['all events']).join(',')}  ${state}`);
        }
    } else if (sub === 'remove') {
      const [id] = positionals;
      if (!id) throw new UsageError('webhooks remove WEBHOOK_ID');
      if (!(await removeWebhook(store, id))) throw new UsageError(`no webhook ${id}`);
      console.log(`removed ${id}`);
    } else {
      throw new UsageError('webhooks add|list|remove');
    }
  } finally {
    await store.close();
  }
}
