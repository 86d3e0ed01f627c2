/**
 * `leadtrail leads delete|export`: a person's data from the command line, as the owner (whoever holds the database).
 * The lead is named by --lead ID or --email ADDRESS; the core (core/erasure.ts) finds, exports and erases it.
 */
import { contextFor } from '../../core/context.ts';
import { erasePerson, exportPerson } from '../../core/erasure.ts';
import { LeadsError } from '../../core/errors.ts';
import { getSite } from '../../core/sites.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

export async function leadsCommand(args: string[]) {
  const [sub, ...rest] = args;
  if (sub !== 'delete' && sub !== 'export') throw new UsageError('leads delete|export');
  const { values } = parse(rest, {
    ...dbOption,
    site: { type: 'string' },
    email: { type: 'string' },
    lead: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.site) throw new UsageError(`leads ${sub} needs --site ID`);
  if ((values.email === undefined) === (values.lead === undefined)) {
    throw new UsageError(`leads ${sub} needs --email ADDRESS or --lead ID (one of them)`);
  }
  const lookup = values.lead !== undefined ? { lead_id: values.lead } : { email: values.email };
  const store = await openStore(resolveDb(values.db));
  try {
    const site = await getSite(store, values.site);
    if (!site) throw new UsageError(`no site ${values.site}`);
    const ctx = contextFor(store, site, 'secret');
    try {
      if (sub === 'export') {
        console.log(JSON.stringify(await exportPerson(ctx, lookup), null, 2));
        return;
      }
      const { erased } = await erasePerson(ctx, lookup);
      if (values.json) console.log(JSON.stringify({ success: true, erased }));
      else {
        console.log(
          `deleted lead ${erased.lead_id}: ${erased.visitors} visitors, ${erased.submissions} submissions, ` +
            `${erased.events} events, ${erased.notifications} notifications; ${erased.receipts} receipts emptied`,
        );
      }
    } catch (error) {
      // Neither the email nor anything else of the person is repeated: terminals end up in logs too.
      if (error instanceof LeadsError && error.code === 'not_found') throw new Error('no such lead on this site');
      if (error instanceof LeadsError && error.code === 'invalid_input') throw new UsageError(error.message);
      throw error;
    }
  } finally {
    await store.close();
  }
}
