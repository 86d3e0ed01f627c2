/**
 * A person's rights over what the collector holds about them, as privacy law gives them: a copy of it (access) and
 * its erasure. One lead is one person: the export is the lead as the secret-key API answers it with its devices,
 * pages, submissions, history and touches; the erasure deletes all of that in one transaction (store/erasure.ts).
 * Only a key that reads everything may do either (access.ts: secret keys, the dashboard's owner, the CLI). REST,
 * the CLI and the dashboard call these two functions; MCP keeps the seed's one tool.
 *
 * The receipt rule. A browser retries a submission with the same event_id until it hears back, possibly after the
 * lead is gone. The erasure keeps each receipt's key (site_id, event_id) and replaces its stored answer with
 * ERASED_RECEIPT, which holds nothing of the person, so such a retry is answered like any event seen before and
 * applies nothing: the lead does not come back. A submission with a new event_id is new, even from the same browser
 * (its visitor id): the person sent their details again, so it may create a new lead.
 */
import {
  fields,
  Lead,
  LeadEvent,
  StoredPage,
  Submission,
  TOUCH_KINDS,
  TouchDetails,
  Visitor,
  validate,
} from '@leadtrail/protocol';
import * as v from 'valibot';
import { ERASED_KINDS } from '../store/erasure.ts';
import type { LeadOps, Receipt } from '../store/lead-store.ts';
import { ACKNOWLEDGED, assertPersonData } from './access.ts';
import { assertSameSite } from './checked-input.ts';
import type { ActionContext } from './context.ts';
import { invalidInput, notFound } from './errors.ts';
import { guardedInput } from './input-guard.ts';
import { publicLead } from './public-lead.ts';

/** Which person: the lead's id or its email, one of the two, on the caller's site. */
export const PersonLookup = v.pipe(
  v.strictObject({
    site_id: v.optional(fields.site_id),
    lead_id: v.optional(fields.lead_id),
    email: v.optional(fields.email),
  }),
  // Both at once could name two people; a deletion must not guess which one was meant.
  v.check(
    (input) => (input.lead_id === undefined) !== (input.email === undefined),
    'must give lead_id or email, one of the two',
  ),
);
export type PersonLookup = v.InferOutput<typeof PersonLookup>;

/** A page the person viewed: on one of their devices (`visitor_id`), or given through the API (null). */
const PersonPage = v.object({ visitor_id: v.nullable(v.string()), ...StoredPage.entries });
/** How the person arrived: a device's first or latest touch (`visitor_id`), or the lead's roll-up of them (null). */
const PersonTouch = v.object({
  visitor_id: v.nullable(v.string()),
  kind: v.picklist(TOUCH_KINDS),
  ...TouchDetails.entries,
});

/** Everything the collector holds about one person. */
export const PersonExport = v.object({
  exported_at: v.pipe(v.string(), v.isoTimestamp()),
  site_id: v.string(),
  /** As the secret-key API answers it. */
  lead: Lead,
  /** Their devices, each with its pages, totals and touches. */
  visitors: v.array(Visitor),
  /** Every page view of every device (and those given through the API), oldest first. */
  pages: v.array(PersonPage),
  /** Every form submission, as sent, oldest first. */
  submissions: v.array(Submission),
  /** The lead's history, oldest first. */
  events: v.array(LeadEvent),
  touches: v.array(PersonTouch),
});
export type PersonExport = v.InferOutput<typeof PersonExport>;

export const ExportResponse = v.object({ success: v.literal(true), data: PersonExport });
export type ExportResponse = v.InferOutput<typeof ExportResponse>;

export const EraseResponse = v.object({
  success: v.literal(true),
  erased: v.object({
    lead_id: v.string(),
    ...(Object.fromEntries(ERASED_KINDS.map((kind) => [kind, v.number()])) as Record<
      (typeof ERASED_KINDS)[number],
      v.NumberSchema<undefined>
    >),
  }),
});
export type EraseResponse = v.InferOutput<typeof EraseResponse>;

/**
 * What a receipt of an erased lead's event answers from then on: accepted before, nothing to show. It is the shape
 * of a browser's acknowledgement (a browser is answered with its own ids whatever a receipt holds).
 */
export const ERASED_RECEIPT: Receipt = { status: ACKNOWLEDGED, body: { success: true } };

function checkedLookup(ctx: ActionContext, input: unknown): PersonLookup {
  const parsed = validate(PersonLookup, guardedInput(input));
  if (!parsed.ok) throw invalidInput(parsed.issues);
  assertSameSite(ctx, parsed.value.site_id);
  return parsed.value;
}

async function findPerson(tx: LeadOps, ctx: ActionContext, lookup: PersonLookup, lock = false) {
  const lead = lookup.lead_id
    ? await tx.getLead(ctx.siteId, lookup.lead_id, { lock })
    : await tx.findLeadByEmail(ctx.siteId, lookup.email!, { lock });
  if (!lead) throw notFound();
  return lead;
}

const nowOf = (ctx: ActionContext) => (ctx.now ? ctx.now() : new Date()).toISOString();

/** Oldest first; a page without a time goes last. */
const byTime = (a: { at?: string }, b: { at?: string }) =>
  a.at === b.at ? 0 : a.at === undefined ? 1 : b.at === undefined ? -1 : a.at < b.at ? -1 : 1;

const touchesOf = (visitorId: string | null, first: TouchDetails | null, latest: TouchDetails | null) => [
  ...(first ? [{ visitor_id: visitorId, kind: 'first' as const, ...first }] : []),
  ...(latest ? [{ visitor_id: visitorId, kind: 'latest' as const, ...latest }] : []),
];

/** The person's data as one JSON document. `input`: `{lead_id}` or `{email}` (untrusted; checked here). */
export async function exportPerson(ctx: ActionContext, input: unknown): Promise<PersonExport> {
  assertPersonData(ctx.keyKind);
  const lookup = checkedLookup(ctx, input);
  return ctx.store.transaction(async (tx) => {
    const lead = await findPerson(tx, ctx, lookup);
    const [visitors, events, submissions] = await Promise.all([
      tx.listLeadVisitors(ctx.siteId, lead.id),
      tx.listEvents(ctx.siteId, lead.id),
      tx.listAllSubmissions(ctx.siteId, lead.id),
    ]);
    const pages = [
      ...visitors.flatMap((visitor) => visitor.pages_visited.map((page) => ({ visitor_id: visitor.id, ...page }))),
      ...(lead.own_behaviour?.pages_visited ?? []).map((page) => ({ visitor_id: null, ...page })),
    ].sort(byTime);
    const { first_touch, latest_touch } = lead.attribution;
    return {
      exported_at: nowOf(ctx),
      site_id: ctx.siteId,
      lead: publicLead(lead),
      visitors,
      pages,
      submissions,
      events,
      touches: [
        ...touchesOf(null, first_touch, latest_touch),
        ...visitors.flatMap((visitor) => touchesOf(visitor.id, visitor.first_touch, visitor.latest_touch)),
      ],
    };
  });
}

/** Erases the person: the lead and everything about it, in one transaction. `input` as for exportPerson. */
export async function erasePerson(ctx: ActionContext, input: unknown): Promise<EraseResponse> {
  assertPersonData(ctx.keyKind);
  const lookup = checkedLookup(ctx, input);
  const now = nowOf(ctx);
  return ctx.store.transaction(async (tx) => {
    const lead = await findPerson(tx, ctx, lookup, true);
    const erased = await tx.eraseLead(ctx.siteId, lead.id, ERASED_RECEIPT, now);
    if (!erased) throw notFound();
    return { success: true as const, erased: { lead_id: lead.id, ...erased } };
  });
}
