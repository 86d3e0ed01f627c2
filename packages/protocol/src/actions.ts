/**
 * The input of each action of the leads tool, and the `action`-keyed union of all of them.
 * Objects are strict: a field an action does not use is refused by name rather than silently ignored.
 */
import * as v from 'valibot';
import { fields as f } from './fields.ts';

const contactFields = {
  phone: f.phone,
  position: f.position,
  company: f.company,
  notes: f.notes,
};

const leadAttributes = {
  status: f.status,
  origin: f.origin,
  source: f.source,
  segment_id: f.segment_id,
  campaign_id: f.campaign_id,
  assignee_id: f.assignee_id,
  user_id: f.user_id,
  lead_score: f.lead_score,
  contact_info: f.contact_info,
  company_info: f.company_info,
  interest_level: f.interest_level,
  product_interest: f.product_interest,
};

const behaviour = {
  pages_visited: f.pages_visited,
  time_spent: f.time_spent,
  visit_count: f.visit_count,
};

type Entries = Record<string, v.GenericSchema>;
const optionalAll = <T extends Entries>(entries: T) =>
  Object.fromEntries(Object.entries(entries).map(([k, s]) => [k, v.optional(s)])) as {
    [K in keyof T]: v.OptionalSchema<T[K], undefined>;
  };
const clearable = <T extends Entries>(entries: T) =>
  Object.fromEntries(Object.entries(entries).map(([k, s]) => [k, v.optional(v.nullable(s))])) as {
    [K in keyof T]: v.OptionalSchema<v.NullableSchema<T[K], undefined>, undefined>;
  };

export const createEntries = {
  site_id: v.optional(f.site_id),
  event_id: v.optional(f.event_id),
  name: f.name,
  email: f.email,
  ...optionalAll({ ...contactFields, ...leadAttributes, ...behaviour }),
};

/** What a list is filtered by; aggregates (counts by status, leads per day) take the same filters. */
const filterFields = {
  status: f.status,
  origin: f.origin,
  segment_id: f.segment_id,
  campaign_id: f.campaign_id,
  assignee_id: f.assignee_id,
  user_id: f.user_id,
  search: f.search,
  channel: f.channel,
  utm_source: f.utm_source,
  utm_medium: f.utm_medium,
  utm_campaign: f.utm_campaign,
  referrer_host: f.referrer_host,
  touch: f.touch,
  created_from: f.created_from,
  created_to: f.created_to,
};

export const filterEntries = { site_id: v.optional(f.site_id), ...optionalAll(filterFields) };

export const listEntries = {
  ...filterEntries,
  ...optionalAll({
    lead_id: f.lead_id,
    limit: f.limit,
    offset: f.offset,
    sort_by: f.sort_by,
    sort_order: f.sort_order,
  }),
};

export const updateEntries = {
  site_id: v.optional(f.site_id),
  lead_id: f.lead_id,
  name: v.optional(f.name),
  email: v.optional(f.email),
  ...clearable({ ...contactFields, ...leadAttributes }),
  status: v.optional(f.status),
  // Behaviour given here is the lead's own contribution (an import, say); its totals add its visitors'.
  ...clearable(behaviour),
};

export const qualifyEntries = {
  site_id: v.optional(f.site_id),
  status: f.status,
  ...optionalAll({ lead_id: f.lead_id, email: f.email, phone: v.pipe(f.phone, v.minLength(1, 'must not be empty')) }),
};

export const identifyEntries = {
  site_id: v.optional(f.site_id),
  event_id: v.optional(f.event_id),
  visitor_id: f.visitor_id,
  ...optionalAll({
    lead_id: f.lead_id,
    name: f.name,
    email: f.email,
    ...contactFields,
    ...leadAttributes,
    ...behaviour,
    touches: f.touches,
    form: f.form,
  }),
};

/** A period runs forwards: created_to is not before created_from (equal: an empty period). */
const periodInOrder = (i: { created_from?: string; created_to?: string }) =>
  !i.created_from || !i.created_to || i.created_from <= i.created_to;
const PERIOD_KEYS = [['created_from'], ['created_to']] as const;
const PERIOD_MESSAGE = 'must not be before created_from';

const hasLookup = <T extends { lead_id?: string; email?: string; phone?: string }>(i: T) =>
  i.lead_id !== undefined || i.email !== undefined || i.phone !== undefined;
const LOOKUP_MESSAGE = 'one of lead_id, email or phone is required to find the lead';

export const CreateInput = v.strictObject(createEntries);
export const LeadFilters = v.pipe(
  v.strictObject(filterEntries),
  v.forward(v.partialCheck(PERIOD_KEYS, periodInOrder, PERIOD_MESSAGE), ['created_to']),
);
export const ListInput = v.pipe(
  v.strictObject(listEntries),
  v.forward(v.partialCheck(PERIOD_KEYS, periodInOrder, PERIOD_MESSAGE), ['created_to']),
);
export const UpdateInput = v.strictObject(updateEntries);
export const QualifyInput = v.pipe(v.strictObject(qualifyEntries), v.check(hasLookup, LOOKUP_MESSAGE));
export const IdentifyInput = v.strictObject(identifyEntries);

export type CreateInput = v.InferOutput<typeof CreateInput>;
export type LeadFilters = v.InferOutput<typeof LeadFilters>;
export type ListInput = v.InferOutput<typeof ListInput>;
export type UpdateInput = v.InferOutput<typeof UpdateInput>;
export type QualifyInput = v.InferOutput<typeof QualifyInput>;
export type IdentifyInput = v.InferOutput<typeof IdentifyInput>;

export const ActionInputs = {
  create: CreateInput,
  list: ListInput,
  update: UpdateInput,
  qualify: QualifyInput,
  identify: IdentifyInput,
} as const;

/**
 * The `action`-keyed union: the shape of `POST /api/agents/tools/leads` and of the MCP tool's arguments.
 * The core validates with `ActionInputs[action]` (which also checks qualify's lookup); this union describes.
 */
export const LeadsInput = v.variant(
  'action',
  [
    v.strictObject({ action: v.literal('create'), ...createEntries }),
    v.strictObject({ action: v.literal('list'), ...listEntries }),
    v.strictObject({ action: v.literal('update'), ...updateEntries }),
    v.strictObject({ action: v.literal('qualify'), ...qualifyEntries }),
    v.strictObject({ action: v.literal('identify'), ...identifyEntries }),
  ],
  'action must be one of create, list, update, qualify, identify',
);
export type LeadsInput = v.InferOutput<typeof LeadsInput>;
