/**
 * SQLite and Postgres side by side on the same awkward leads: search (case, accents, LIKE metacharacters taken
 * literally, 1-2 character searches, FTS5 syntax taken literally), every sort column in both directions (nulls
 * last, ties broken by insertion order), paging totals, and records (timestamps, JSON, big numbers) decoded alike.
 * The conformance suite checks each store against the contract; this checks that they agree with each other.
 */

import { SORT_COLUMNS, type SortColumn } from '@leadtrail/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadQuery, LeadStore, NewLead } from '../../packages/collector/src/store/lead-store.ts';
import { PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { openPostgresTestStore, openSqliteTestStore, type StoreHandle } from '../support/stores.ts';

warnIfNoPostgres();

const OWNER = '7d3f0a52-6a53-4c43-9d0e-1f2a3b4c5d6e';
const SEGMENT = '0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e';

/** Name, email, notes, company, origin, score, time, visits; created_at minutes (repeats are ties). */
const ROWS: Array<
  [string, string | null, string | null, string | null, string | null, number | null, number, number, number]
> = [
  ['Ann Smith', 'Ann@Example.com', 'Asked for a demo', 'acme', 'website', 50, 10, 1, 0],
  ['ANNA KARENINA', 'anna@example.com', null, 'Acme', 'Website', 50, 10, 1, 0],
  ['annabel lee', null, 'Poem', 'ACME', null, null, 0, 0, 1],
  ['Émile Zola', 'emile@zola.fr', 'Café au lait', 'Ácme', 'referral', 1, 5, 2, 2],
  ['émilie du Châtelet', 'EMILIE@chatelet.fr', 'CAFÉ noir', null, 'referral', 100, 5, 2, 2],
  ['ÉMILIE ROUX', null, 'naïve question', '', 'website', null, 7, 3, 3],
  ['Zoë Saldaña', 'zoe@example.org', 'NAÏVE answer', 'Zeta', null, 75, 1_000_000_000, 10_000_000, 4],
  ['ZOË KRAVITZ', 'zoe.k@example.org', 'oë', 'zeta', 'ads', 75, 999_999_999, 9_999_999, 4],
  ['100% Pure', 'pure@example.com', '50% off until Friday', 'beta', 'website', 20, 3, 1, 5],
  ['Snake_Case Ltd', 'snake_case@example.com', 'under_score in notes', '_x', 'website', 20, 3, 1, 6],
  ['back\\slash', 'back@example.com', 'C:\\path\\to\\file', '%y', 'event', 30, 3, 1, 7],
  ['a_b', 'ab1@example.com', 'a%b and a_b and a\\b', 'Beta', 'event', null, 2, 1, 8],
  ['a%b', 'ab2@example.com', null, null, null, null, 2, 1, 8],
  ['a\\b', 'ab3@example.com', 'percent %% twice', null, null, null, 2, 1, 8],
  ["O'Brien", 'obrien@example.ie', 'quoted "phrase" here', 'Über GmbH', 'website', 60, 4, 2, 9],
  ['Bob "Quoted" Jones', 'bob@example.com', 'near AND or NOT', 'über gmbh', 'website', 61, 4, 2, 10],
  ['star*power', 'star@example.com', 'rocket 🚀 launch', 'ÜBER', 'ads', 62, 4, 2, 11],
  ['ab', 'x1@example.com', 'line\nbreak and\ttab', null, null, 1, 0, 0, 12],
  ['AB', 'x2@example.com', '  spaced  out  ', null, null, 1, 0, 0, 12],
  ['b', 'x3@example.com', 'Ωmega', 'Ωmega', 'website', 2, 0, 0, 13],
  ['Zed', 'x4@example.com', 'ωmega', 'ωmega', 'website', 2, 0, 0, 13],
  ['zed', 'x5@example.com', 'ΩMEGA', 'omega', 'website', 3, 0, 0, 13],
  ['zed', null, 'zed again', 'Omega', 'website', 3, 0, 0, 13],
  ['_underscore first', 'under@example.com', 'Straße', 'straße', 'event', 99, 1, 1, 14],
  ['Über Alles', 'uber@example.com', 'STRASSE', 'STRASSE', 'event', 98, 1, 1, 15],
  ['über', 'uber2@example.com', 'ber', '~tilde', 'event', 97, 1, 1, 16],
  ['José Jiménez', 'jose@example.es', 'Ñandú', 'ñandú', 'referral', 5, 8, 4, 17],
  ['JOSÉ JIMÉNEZ', 'jose2@example.es', 'ÑANDÚ', 'Ñandú', 'referral', 5, 8, 4, 17],
];

const SEARCHES = [
  'ann',
  'ANN',
  'Ann',
  'an',
  'a',
  'A',
  'N',
  '%',
  '_',
  '\\',
  '%%',
  'a%b',
  'a_b',
  'a\\b',
  '100%',
  '100',
  '50% off',
  'under_score',
  'C:\\path',
  'émi',
  'ÉMI',
  'Émile',
  'Émi',
  'ém',
  'em',
  'zoë',
  'ZOË',
  'oë',
  'OË',
  'café',
  'CAFÉ',
  'naïve',
  'NAÏVE',
  '🚀',
  '🚀 l',
  'rocket',
  '"phrase"',
  '"',
  'quoted "',
  'AND',
  'and or',
  'NOT',
  'near',
  '*',
  'star*',
  "o'brien",
  "'",
  'example.com',
  '@EXAMPLE',
  'Ω',
  'ω',
  'ωmega',
  'ΩMEGA',
  'über',
  'ÜBER',
  'ber',
  'straße',
  'STRASSE',
  'ñandú',
  'ÑANDÚ',
  'ñ',
  'nothing-matches',
  'zed',
  'e z',
  '  ',
  'k\tt',
  'line\nbreak',
];

const created = (minutes: number) => new Date(Date.parse('2025-03-01T10:00:00.000Z') + minutes * 60_000).toISOString();

function newLeads(siteId: string): NewLead[] {
  return ROWS.map(([name, email, notes, company, origin, score, time, visits, minute], i) => ({
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    site_id: siteId,
    user_id: OWNER,
    name,
    email,
    phone: i % 3 ? `+1 (555) 000-${String(i).padStart(4, '0')}` : null,
    position: null,
    company,
    notes,
    status: (['new', 'contacted', 'qualified', 'converted', 'lost'] as const)[i % 5]!,
    origin,
    source: null,
    segment_id: i % 4 ? null : SEGMENT,
    campaign_id: null,
    assignee_id: null,
    lead_score: score,
    contact_info: i % 2 ? { z: 1, a: { y: [1, 2.5, -0, 1e21], b: null }, '10': true, '2': 'two' } : null,
    company_info: i % 3 ? null : { size: '11-50', tags: ['b2b', 'ünïcödé'] },
    interest_level: null,
    product_interest: null,
    pages_visited: [{ path: `/p/${i}`, title: 'T', at: created(minute - 1) }],
    time_spent: time,
    visit_count: visits,
    own_behaviour: { pages_visited: [{ path: `/p/${i}` }], time_spent: time, visit_count: visits },
    created_at: created(minute),
    status_changed_at: i % 2 ? created(minute + 1) : null,
  }));
}

describe.skipIf(!PG_URL)('SQLite and Postgres agree', () => {
  const handles: Record<'sqlite' | 'postgres', StoreHandle | undefined> = { sqlite: undefined, postgres: undefined };
  const sites: Record<'sqlite' | 'postgres', string> = { sqlite: '', postgres: '' };

  beforeAll(async () => {
    [handles.sqlite, handles.postgres] = await Promise.all([openSqliteTestStore(), openPostgresTestStore()]);
    for (const kind of ['sqlite', 'postgres'] as const) {
      const store = handles[kind]!.store;
      const siteId = crypto.randomUUID();
      await store.createSite({
        id: siteId,
        name: 'Parity',
        owner_user_id: OWNER,
        allowed_origins: [],
        created_at: created(0),
      });
      sites[kind] = siteId;
      for (const lead of newLeads(siteId)) expect(await store.insertLead(lead)).not.toBeNull();
    }
  }, 60_000);

  afterAll(async () => {
    await handles.sqlite?.cleanup();
    await handles.postgres?.cleanup();
  });

  const list = (kind: 'sqlite' | 'postgres', query: Partial<LeadQuery>) =>
    (handles[kind]!.store as LeadStore).listLeads(sites[kind], {
      sort_by: 'created_at',
      sort_order: 'desc',
      limit: 500,
      offset: 0,
      ...query,
    });
  const both = async (query: Partial<LeadQuery>) => {
    const [a, b] = await Promise.all([list('sqlite', query), list('postgres', query)]);
    return {
      sqlite: { total: a.total, ids: a.leads.map((l) => l.id) },
      postgres: { total: b.total, ids: b.leads.map((l) => l.id) },
    };
  };

  it.each(SEARCHES.map((s) => [JSON.stringify(s), s]))('search %s finds the same leads', async (_, search) => {
    const { sqlite, postgres } = await both({ search });
    expect(postgres).toEqual(sqlite);
  });

  it('searches are case-insensitive and take LIKE metacharacters literally, on both', async () => {
    const names = async (kind: 'sqlite' | 'postgres', search: string) =>
      (await list(kind, { search, sort_by: 'name', sort_order: 'asc' })).leads.map((l) => l.name);
    for (const kind of ['sqlite', 'postgres'] as const) {
      expect(await names(kind, 'a%b')).toEqual(['a%b', 'a_b']);
      expect(await names(kind, 'a_b')).toEqual(['a_b']);
      expect(await names(kind, 'a\\b')).toEqual(['a\\b', 'a_b']);
      // back\slash's company is "%y": search covers the company too.
      expect(await names(kind, '%')).toEqual(['100% Pure', 'a%b', 'a\\b', 'a_b', 'back\\slash']);
      expect(await names(kind, 'ANN')).toEqual(['Ann Smith', 'ANNA KARENINA', 'annabel lee']);
      expect(await names(kind, 'zoë')).toEqual(['ZOË KRAVITZ', 'Zoë Saldaña']);
    }
  });

  const SORTS = SORT_COLUMNS.flatMap((column) =>
    (['asc', 'desc'] as const).map((order): [SortColumn, 'asc' | 'desc'] => [column, order]),
  );
  it.each(SORTS)('sort by %s %s gives the same order (nulls last, ties by insertion)', async (sort_by, sort_order) => {
    const { sqlite, postgres } = await both({ sort_by, sort_order });
    expect(postgres).toEqual(sqlite);
    const filtered = await both({ sort_by, sort_order, search: 'example', status: 'new' });
    expect(filtered.postgres).toEqual(filtered.sqlite);
  });

  it('pages and totals agree, whether the total is counted or read off a short page', async () => {
    for (const query of [{}, { search: 'example' }, { search: 'a' }, { segment_id: SEGMENT }, { origin: 'website' }]) {
      for (const [limit, offset] of [
        [3, 0],
        [3, 3],
        [5, 20],
        [7, 21],
        [50, 0],
        [4, 27],
        [4, 28],
        [4, 100],
      ] as const) {
        const { sqlite, postgres } = await both({ ...query, limit, offset, sort_by: 'name', sort_order: 'asc' });
        expect(postgres, JSON.stringify({ query, limit, offset })).toEqual(sqlite);
      }
    }
  });

  it('reads every record back identically: timestamps, JSON key order, big numbers, nulls', async () => {
    for (const lead of newLeads('x')) {
      const [a, b] = await Promise.all([
        handles.sqlite!.store.getLead(sites.sqlite, lead.id),
        handles.postgres!.store.getLead(sites.postgres, lead.id),
      ]);
      expect(a).not.toBeNull();
      const { site_id: _a, ...fromSqlite } = a!;
      const { site_id: _b, ...fromPostgres } = b!;
      // Byte for byte: JSON goes back with its keys in the order it was written.
      expect(JSON.stringify(fromPostgres)).toBe(JSON.stringify(fromSqlite));
      expect(fromSqlite.created_at).toBe(lead.created_at);
    }
  });
});
