import type { Lead } from '@leadtrail/protocol';
import type { StoredLead } from '../store/lead-store.ts';

/** A lead as the API shows it: the stored lead without what only the collector uses. */
export function publicLead(lead: StoredLead): Lead {
  const { own_behaviour: _, browser_fields: __, ...rest } = lead;
  return rest;
}
