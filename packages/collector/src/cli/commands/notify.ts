import { LeadsError } from '../../core/errors.ts';
import { addEmailRecipient } from '../../core/notify/webhooks.ts';
import { getSite } from '../../core/sites.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

/** `notify email --site ID --to ADDRESS`: mails the site's new leads there (removed with `webhooks remove`). */
export async function notifyCommand(args: string[]) {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {
    ...dbOption,
    site: { type: 'string' },
    to: { type: 'string' },
    event: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  if (sub !== 'email') throw new UsageError('notify email --site ID --to ADDRESS');
  if (!values.to) throw new UsageError('notify email needs --to ADDRESS');
  const store = await openStore(resolveDb(values.db));
  try {
    if (!values.site || !(await getSite(store, values.site)))
      throw new UsageError('notify email needs --site ID of a site');
    const added = await addEmailRecipient(store, values.site, values.to, values.event).catch((error) => {
      throw error instanceof LeadsError ? new UsageError(error.message) : error;
    });
    if (values.json) console.log(JSON.stringify(added));
    else {
      console.log(`email ${added.endpoint_id}: new leads go to ${values.to.trim()}`);
      console.log('(sent by a collector started with --smtp-url or LEADTRAIL_SMTP_URL)');
    }
  } finally {
    await store.close();
  }
}
