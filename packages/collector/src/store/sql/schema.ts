/** Table types for Kysely, shared by both dialects. JSON is TEXT in SQLite and jsonb in Postgres. */
import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null, string | null>;
/** ISO strings in; SQLite gives strings back, Postgres Dates (timestamptz). */
type Timestamp = ColumnType<string | Date, string, string>;
type NullableTimestamp = ColumnType<string | Date | null, string | null, string | null>;

export interface SitesTable {
  id: string;
  name: string;
  owner_user_id: string;
  created_at: Timestamp;
}

export interface SiteOriginsTable {
  site_id: string;
  origin: string;
}

export interface ApiKeysTable {
  id: string;
  site_id: string;
  kind: 'secret' | 'publishable';
  prefix: string;
  hash: string;
  /** The whole key, for publishable keys only (public by design); null for secret keys. */
  token: string | null;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface LeadsTable {
  seq: Generated<number>;
  id: string;
  site_id: string;
  user_id: string | null;
  name: string;
  email: string | null;
  email_norm: string | null;
  phone: string | null;
  phone_norm: string | null;
  position: string | null;
  company: string | null;
  notes: string | null;
  status: 'new' | 'contacted' | 'qualified' | 'converted' | 'lost';
  origin: string | null;
  source: string | null;
  segment_id: string | null;
  campaign_id: string | null;
  assignee_id: string | null;
  lead_score: number | null;
  contact_info: NullableJson;
  company_info: NullableJson;
  interest_level: string | null;
  product_interest: string | null;
  pages_visited: Json;
  time_spent: number;
  visit_count: number;
  own_behaviour: NullableJson;
  /** Fields last written by a browser (publishable key): field name -> the visitor id that wrote it (or null). */
  browser_fields: NullableJson;
  first_touch: NullableJson;
  latest_touch: NullableJson;
  created_at: Timestamp;
  updated_at: Timestamp;
  status_changed_at: NullableTimestamp;
}

export interface VisitorsTable {
  site_id: string;
  id: string;
  lead_id: string | null;
  pages_visited: Json;
  time_spent: number;
  visit_count: number;
  first_seen: Timestamp;
  last_seen: Timestamp;
  first_touch: NullableJson;
  latest_touch: NullableJson;
}

/** A lead's first and latest touch, by the values a list filters on (lower case). */
export interface LeadTouchesTable {
  lead_id: string;
  kind: 'first' | 'latest';
  site_id: string;
  channel: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  referrer_host: string | null;
}

export interface LeadEventsTable {
  seq: Generated<number>;
  site_id: string;
  lead_id: string;
  type: 'created' | 'updated' | 'status_changed' | 'identified';
  from_value: string | null;
  to_value: string | null;
  at: Timestamp;
  /** JSON `{field: {from, to}}` of an edit's contact fields; null otherwise. */
  changes: string | null;
}

export interface IngestReceiptsTable {
  site_id: string;
  event_id: string;
  status: number;
  body: Json;
  created_at: Timestamp;
}

export interface LeadSubmissionsTable {
  seq: Generated<number>;
  id: string;
  site_id: string;
  lead_id: string;
  visitor_id: string | null;
  event_id: string | null;
  page: string | null;
  fields: Json;
  applied: Json;
  at: Timestamp;
}

export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  site_id: string;
  type: string;
  lead_id: string | null;
  payload: string;
  created_at: Timestamp;
}

export interface WebhookEndpointsTable {
  id: string;
  site_id: string;
  url: string;
  format: 'standard' | 'slack' | 'email';
  /** Event types it takes, as `,a,b,` (null: all). */
  events: string | null;
  secret: string;
  created_at: Timestamp;
  disabled_at: NullableTimestamp;
  disabled_reason: string | null;
  /** When the first of an unbroken run of failed attempts was; null after a success. */
  failing_since: NullableTimestamp;
}

export interface WebhookDeliveriesTable {
  event_id: string;
  endpoint_id: string;
  site_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Timestamp;
  last_status: number | null;
  last_error: string | null;
  updated_at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface OwnerPasswordsTable {
  site_id: string;
  hash: string;
  updated_at: Timestamp;
}

export interface DashboardSessionsTable {
  /** SHA-256 of the cookie's token: the database never holds a token that would sign anyone in. */
  id: string;
  site_id: string;
  method: 'key' | 'password';
  ref: string;
  nonce: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface Database {
  sites: SitesTable;
  site_origins: SiteOriginsTable;
  api_keys: ApiKeysTable;
  leads: LeadsTable;
  visitors: VisitorsTable;
  lead_events: LeadEventsTable;
  ingest_receipts: IngestReceiptsTable;
  lead_submissions: LeadSubmissionsTable;
  lead_touches: LeadTouchesTable;
  outbox: OutboxTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  settings: SettingsTable;
  owner_passwords: OwnerPasswordsTable;
  dashboard_sessions: DashboardSessionsTable;
}
