/**
 * Realistic, deterministic leads for the store benchmark and the Postgres plan tests: names, emails, companies,
 * notes, a status mix and two years of timestamps, bulk-inserted with multi-row inserts in transactions straight
 * through the store's Kysely handle (on SQLite the connection's search-index queue sees them, so the index is built
 * as in use).
 */
import type { TouchDetails } from '@leadtrail/protocol';
import type { Insertable, Kysely } from 'kysely';
import type { Database, LeadsTable, LeadTouchesTable } from '../../packages/collector/src/store/sql/schema.ts';

/** Rare words, each put in the notes of one lead in RARE_EVERY: a search for one matches few rows. */
export const RARE_WORDS = ['quokka', 'axolotl', 'pangolin', 'narwhal'] as const;
export const RARE_EVERY = 50_000;
/** A fragment in many names, emails and notes (Johnson, Anderson, person, season...): a search matching many rows. */
export const COMMON_FRAGMENT = 'son';

const FIRST = (
  'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph ' +
  'Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra ' +
  'Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy ' +
  'George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob ' +
  'Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Larry Brenda Justin Pamela Scott Emma Brandon ' +
  'Nicole Benjamin Helen Samuel Samantha Gregory Katherine Alexander Christine Frank Debra Raymond Rachel Patrick ' +
  'Carolyn Jack Janet Dennis Catherine Jerry Maria Tyler Heather Aaron Diane José Zoë Émile Chloé Søren Łukasz'
).split(' ');
const LAST = (
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson ' +
  'Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis ' +
  'Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera ' +
  'Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart ' +
  'Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim ' +
  'Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo ' +
  "Sanders Patel Myers Long Ross Foster Jiménez O'Brien Müller Dubois"
).split(' ');
const DOMAINS = (
  'gmail.com yahoo.com outlook.com hotmail.com icloud.com proton.me acme.io globex.com initech.com umbrella.co ' +
  'hooli.com piedpiper.net stark.io wayne.co cyberdyne.ai tyrell.com soylent.org vandelay.com wonka.co aperture.dev'
).split(' ');
const COMPANIES = (
  'Acme|Globex|Initech|Umbrella|Hooli|Pied Piper|Stark Industries|Wayne Enterprises|Cyberdyne|Tyrell|Soylent|' +
  'Vandelay Industries|Wonka|Aperture|Massive Dynamic|Oscorp|Gringotts|Monsters Inc|Dunder Mifflin|Bluth Company'
).split('|');
const POSITIONS = 'CEO|CTO|Head of Marketing|Growth Lead|Founder|Engineer|Product Manager|Sales Director|COO'.split(
  '|',
);
const SENTENCES = [
  'Asked for a demo of the reporting module.',
  'Interested in the annual plan for a team of 20.',
  'Came from the webinar on lead scoring.',
  'Wants an integration with their CRM before next season.',
  'Needs SSO and an audit log; security review pending.',
  'Price sensitive, compared us with two other vendors.',
  'Follow up in two weeks, the person in charge is on leave.',
  'Downloaded the pricing sheet twice this month.',
  'Reason for contact: migrating from spreadsheets.',
  'Met at the trade fair, booth 42.',
  'Asked whether the tracker works with a strict CSP.',
  'Budget approved for Q3, waiting for legal.',
  'Referred by an existing customer.',
  'Requested a call back on Thursday morning.',
];
const STATUSES: Array<[LeadsTable['status'], number]> = [
  ['new', 0.45],
  ['contacted', 0.25],
  ['qualified', 0.15],
  ['converted', 0.08],
  ['lost', 0.07],
];
const ORIGINS = ['website', 'website', 'website', 'referral', 'event', 'ads', null];
const PAGES = ['/', '/pricing', '/features', '/blog/lead-scoring', '/contact', '/docs', '/about'];

/** mulberry32: a small deterministic PRNG, so every run loads the same leads. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.parse('2024-01-01T00:00:00.000Z');
const SPAN = 2 * 365 * 86_400_000;

/** When the leads were created: from `start`, over `span` ms (default: two years from 2024-01-01). */
export interface Period {
  start: number;
  span: number;
}

/** Lead number i of n: created in order over the period, so created_at grows with i. */
export function benchLead(
  i: number,
  n: number,
  siteId: string,
  userId: string,
  random: () => number,
  period: Period = { start: START, span: SPAN },
) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const first = pick(FIRST);
  const last = pick(LAST);
  const email = `${first}.${last}.${i}@${pick(DOMAINS)}`.toLowerCase().replace(/[^a-z0-9.@_-]/g, '');
  let notes: string | null = null;
  if (random() < 0.6) {
    const count = 1 + Math.floor(random() * 3);
    notes = Array.from({ length: count }, () => pick(SENTENCES)).join(' ');
  }
  const rare = i % RARE_EVERY;
  if (rare < RARE_WORDS.length) notes = `${notes ?? ''} Mentioned a ${RARE_WORDS[rare]} on the call.`.trim();
  let roll = random();
  let status: LeadsTable['status'] = 'new';
  for (const [value, weight] of STATUSES) {
    if (roll < weight) {
      status = value;
      break;
    }
    roll -= weight;
  }
  const created = period.start + Math.floor((i / n) * period.span) + Math.floor(random() * 60_000);
  const updated = created + Math.floor(random() * 30 * 86_400_000);
  const phone = random() < 0.5 ? `+1 555 ${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}` : null;
  const pages = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => ({
    path: pick(PAGES),
    at: new Date(created - (k + 1) * 60_000).toISOString(),
  }));
  const row: Insertable<LeadsTable> = {
    id: crypto.randomUUID(),
    site_id: siteId,
    user_id: userId,
    name: `${first} ${last}`,
    email,
    email_norm: email,
    phone,
    phone_norm: phone ? `+${phone.replace(/\D/g, '')}` : null,
    position: random() < 0.6 ? pick(POSITIONS) : null,
    company: random() < 0.7 ? pick(COMPANIES) : null,
    notes,
    status,
    origin: pick(ORIGINS),
    source: random() < 0.3 ? 'newsletter' : null,
    segment_id: null,
    campaign_id: null,
    assignee_id: null,
    lead_score: random() < 0.5 ? 1 + Math.floor(random() * 100) : null,
    contact_info: null,
    company_info: null,
    interest_level: null,
    product_interest: null,
    pages_visited: JSON.stringify(pages),
    time_spent: Math.floor(random() * 3600),
    visit_count: 1 + Math.floor(random() * 10),
    own_behaviour: null,
    created_at: new Date(created).toISOString(),
    updated_at: new Date(updated).toISOString(),
    status_changed_at: status === 'new' ? null : new Date(updated).toISOString(),
  };
  return row;
}

export interface LoadOptions {
  /** Rows per INSERT statement. */
  batch?: number;
  /** INSERT statements per transaction. */
  batchesPerTransaction?: number;
  onProgress?: (loaded: number) => void;
  seed?: number;
  period?: Period;
  /** Give most leads a first touch (the lead's attribution and its lead_touches row), from TOUCH_MIX. */
  touches?: boolean;
}

/**
 * First touches, with their share of leads: channel, utm_source, utm_campaign (lower case, as lead_touches keeps
 * them). BENCH_CAMPAIGN is in about 1 lead in 12.
 */
export const BENCH_CAMPAIGN = 'spring-sale';
const TOUCH_MIX: Array<[number, TouchDetails['channel'], string | null, string | null]> = [
  [0.25, 'direct', null, null],
  [0.2, 'organic_search', null, null],
  [0.08, 'paid_search', 'google', BENCH_CAMPAIGN],
  [0.07, 'paid_search', 'google', 'brand'],
  [0.05, 'paid_social', 'linkedin', 'retargeting'],
  [0.08, 'email', 'newsletter', 'march-newsletter'],
  [0.04, 'email', 'newsletter', 'webinar-invite'],
  [0.08, 'organic_social', null, null],
  [0.08, 'referral', null, null],
  [0.02, 'ai_assistant', 'chatgpt.com', null],
];

/** Lead `row`'s first touch (or none, for about 1 lead in 20): its attribution columns and its lead_touches row. */
function benchTouch(row: Insertable<LeadsTable>, random: () => number): Insertable<LeadTouchesTable> | null {
  let roll = random();
  for (const [weight, channel, source, campaign] of TOUCH_MIX) {
    if (roll >= weight) {
      roll -= weight;
      continue;
    }
    const host = channel === 'organic_search' ? 'google.com' : channel === 'referral' ? 'partner.example' : null;
    const touch: TouchDetails = {
      landing_page: campaign ? `/?utm_source=${source}&utm_campaign=${campaign}` : '/',
      referrer: host ? `https://${host}/` : null,
      referrer_host: host,
      utm_source: source,
      utm_medium: campaign ? (channel === 'email' ? 'email' : 'cpc') : null,
      utm_campaign: campaign,
      utm_term: null,
      utm_content: null,
      click_id_kind: null,
      click_id: null,
      channel,
      source: source ?? host,
      at: row.created_at as string,
    };
    row.first_touch = JSON.stringify(touch);
    row.latest_touch = JSON.stringify(touch);
    return {
      lead_id: row.id,
      kind: 'first',
      site_id: row.site_id,
      channel,
      utm_source: source,
      utm_medium: touch.utm_medium,
      utm_campaign: campaign,
      referrer_host: host,
    };
  }
  return null;
}

/** Inserts n leads for one site; returns the seconds it took. */
export async function bulkLoadLeads(
  db: Kysely<Database>,
  siteId: string,
  userId: string,
  n: number,
  options: LoadOptions = {},
): Promise<number> {
  const batch = options.batch ?? 1000;
  const perTx = options.batchesPerTransaction ?? 10;
  const random = rng(options.seed ?? 42);
  // Touches draw from their own sequence, so the leads are the same with or without them.
  const touchRandom = rng((options.seed ?? 42) + 1);
  const started = performance.now();
  let i = 0;
  while (i < n) {
    await db.transaction().execute(async (trx) => {
      for (let b = 0; b < perTx && i < n; b++) {
        const rows: Insertable<LeadsTable>[] = [];
        const touches: Insertable<LeadTouchesTable>[] = [];
        for (let k = 0; k < batch && i < n; k++, i++) {
          const row = benchLead(i, n, siteId, userId, random, options.period);
          const touch = options.touches ? benchTouch(row, touchRandom) : null;
          if (touch) touches.push(touch);
          rows.push(row);
        }
        await trx.insertInto('leads').values(rows).execute();
        if (touches.length) await trx.insertInto('lead_touches').values(touches).execute();
      }
    });
    options.onProgress?.(i);
  }
  return (performance.now() - started) / 1000;
}
