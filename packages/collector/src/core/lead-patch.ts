/** Changing a lead: one patch, its history (status changes and edits), and who owns each field afterwards. */
import { normalizeEmail } from '@leadtrail/protocol';
import type { BrowserFields, LeadOps, LeadPatch, StoredLead } from '../store/lead-store.ts';
import { duplicateLead } from './new-lead.ts';

/** Who is writing: the owner (a secret key, the dashboard, the CLI) or a browser (a publishable key). */
export type Writer = 'owner' | 'browser';

/** The fields whose values before and after an edit's event keeps (`changes`): who the lead is and how to reach them. */
const CONTACT_FIELDS = ['name', 'email', 'phone', 'company', 'position'] as const;

/** Marks an edit made by a browser submission in the history (`from` of an `updated` event). */
export const BROWSER_EDIT = 'browser';

/** Refuses an email that another lead of the site already has. */
export async function assertEmailFree(tx: LeadOps, lead: StoredLead, email: string | undefined) {
  if (email === undefined || (lead.email && normalizeEmail(lead.email) === normalizeEmail(email))) return;
  const other = await tx.findLeadByEmail(lead.site_id, email);
  if (other && other.id !== lead.id) throw duplicateLead(other.id);
}

/** The browser-written fields left once the owner has written `fields`: what the owner writes is the owner's. */
function claimedByOwner(lead: StoredLead, fields: object): BrowserFields | null | undefined {
  const current = lead.browser_fields;
  if (!current) return undefined;
  const claimed = Object.keys(fields).filter(
    (k) => (fields as Record<string, unknown>)[k] !== undefined && k in current,
  );
  if (!claimed.length) return undefined;
  const rest = Object.fromEntries(Object.entries(current).filter(([k]) => !claimed.includes(k)));
  return Object.keys(rest).length ? rest : null;
}

/**
 * Applies a patch of lead fields, recording status changes and edits in the lead's history. Fields the owner
 * writes (even to the value they had) become the owner's: no browser submission changes them afterwards.
 */
export async function applyLeadPatch(
  tx: LeadOps,
  lead: StoredLead,
  fields: Omit<LeadPatch, 'updated_at'>,
  now: string,
  writer: Writer = 'owner',
): Promise<StoredLead> {
  const patch: LeadPatch = { updated_at: now };
  const changed: string[] = [];
  const given = writer === 'owner' ? { ...fields, browser_fields: claimedByOwner(lead, fields) } : fields;
  for (const [key, value] of Object.entries(given) as [keyof StoredLead, unknown][]) {
    if (value === undefined || JSON.stringify(value) === JSON.stringify(lead[key] ?? null)) continue;
    (patch as Record<string, unknown>)[key] = value;
    changed.push(key);
  }
  if (!changed.length) return lead;
  const statusChanged = patch.status !== undefined && patch.status !== lead.status;
  if (statusChanged) patch.status_changed_at = now;
  const updated = await tx.updateLead(lead.site_id, lead.id, patch);
  if (statusChanged) {
    await tx.addEvent({
      site_id: lead.site_id,
      lead_id: lead.id,
      type: 'status_changed',
      from: lead.status,
      to: updated.status,
      at: now,
    });
  }
  const edited = changed.filter((k) => k !== 'status' && k !== 'own_behaviour' && k !== 'browser_fields');
  if (edited.length) {
    const contact = edited.filter((k): k is (typeof CONTACT_FIELDS)[number] =>
      (CONTACT_FIELDS as readonly string[]).includes(k),
    );
    const changes = Object.fromEntries(contact.map((k) => [k, { from: lead[k] ?? null, to: updated[k] ?? null }]));
    await tx.addEvent({
      site_id: lead.site_id,
      lead_id: lead.id,
      type: 'updated',
      from: writer === 'browser' ? BROWSER_EDIT : null,
      to: edited.join(','),
      at: now,
      ...(contact.length ? { changes } : {}),
    });
  }
  return updated;
}
