/**
 * The Postgres plans of the very queries the store builds for a list, on a table large enough (and analyzed) that
 * the planner picks indexes when they help: search through the pg_trgm GIN indexes, filter + sort and deep pages
 * through btree indexes, never a sequential scan of the site's leads.
 */
import { openPostgresDialect, SqlLeadStore } from '@leadtrail/collector';
import { CHANNELS } from '@leadtrail/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadQuery } from '../../packages/collector/src/store/lead-store.ts';
import { bulkLoadLeads, RARE_WORDS } from '../bench/data.ts';
import { createTestSite, type TestSite } from '../support/collector.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { captureQueries } from './capture.ts';

warnIfNoPostgres();

const LEADS = 30_000;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];
const describePlan = (nodes: PlanNode[]) =>
  nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`).join(' > ');

describe.skipIf(!PG_URL)('Postgres query plans for lists', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let store: SqlLeadStore;
  let site: TestSite;
  let db: pg.Client;
  let capture: ReturnType<typeof captureQueries>;

  beforeAll(async () => {
    schema = await createTestSchema();
    const dialect = await openPostgresDialect(schema.url);
    capture = captureQueries(dialect);
    store = await SqlLeadStore.open(capture.dialect);
    site = await createTestSite(store);
    const owner = (await store.getSite(site.siteId))!.owner_user_id;
    await bulkLoadLeads(dialect.db, site.siteId, owner, LEADS, { batch: 1000, batchesPerTransaction: 10 });
    db = new pg.Client({ connectionString: schema.url });
    await db.connect();
    // Every lead's first touch, spread over the channels; one campaign in a thousand is rare.
    await db.query(
      `INSERT INTO lead_touches (lead_id, kind, site_id, channel, utm_source, utm_campaign)
       SELECT id, 'first', site_id, (ARRAY[${CHANNELS.map((c) => `'${c}'`).join(',')}])[1 + seq % ${CHANNELS.length}],
              'source-' || (seq % 7), CASE WHEN seq % 1000 = 0 THEN 'rare-campaign' ELSE 'campaign-' || (seq % 5) END
       FROM leads`,
    );
    // What autovacuum does after a bulk load: statistics for the planner, a visibility map for index-only scans.
    await db.query('VACUUM ANALYZE leads');
    await db.query('VACUUM ANALYZE lead_touches');
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await store?.close();
    await schema?.drop();
  });

  /** Runs a list through the store and returns the plan of each query it ran (EXPLAIN, same SQL and parameters). */
  async function plansOf(query: Partial<LeadQuery>) {
    capture.take();
    const result = await store.listLeads(site.siteId, {
      sort_by: 'created_at',
      sort_order: 'desc',
      limit: 50,
      offset: 0,
      ...query,
    });
    const plans: Array<{ sql: string; nodes: PlanNode[] }> = [];
    for (const compiled of capture.take()) {
      const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, compiled.parameters as unknown[]);
      plans.push({ sql: compiled.sql, nodes: flatten(rows[0]['QUERY PLAN'][0].Plan) });
    }
    return { result, plans };
  }

  const usesIndex = (nodes: PlanNode[], type: RegExp, index: RegExp) =>
    nodes.some((n) => type.test(n['Node Type']) && index.test(n['Index Name'] ?? ''));
  const seqScans = (nodes: PlanNode[]) => nodes.filter((n) => n['Node Type'] === 'Seq Scan');

  it('a selective search reads the trigram GIN indexes (Bitmap Index Scan on leads_search_*)', async () => {
    const { result, plans } = await plansOf({ search: RARE_WORDS[1]!.toUpperCase() });
    expect(result.total).toBe(1);
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, nodes } of plans) {
      expect(usesIndex(nodes, /^Bitmap Index Scan$/, /^leads_search_notes$/), `${sql}\n${describePlan(nodes)}`).toBe(
        true,
      );
      expect(seqScans(nodes), describePlan(nodes)).toEqual([]);
    }
  });

  it('the count behind a full page of search results reads the GIN indexes too', async () => {
    // Every rare word's lead says "Mentioned a <word> on the call": a page of 2 is full, so the total is counted.
    const { result, plans } = await plansOf({ search: 'mentioned a', limit: 2 });
    expect(result.total).toBe(RARE_WORDS.length);
    const count = plans.find((p) => /count\(\*\)/i.test(p.sql));
    expect(count, plans.map((p) => p.sql).join('\n')).toBeDefined();
    for (const { sql, nodes } of plans) {
      expect(usesIndex(nodes, /^Bitmap Index Scan$/, /^leads_search_/), `${sql}\n${describePlan(nodes)}`).toBe(true);
      expect(seqScans(nodes), describePlan(nodes)).toEqual([]);
    }
  });

  it('filter + sort (status, updated_at) reads leads_site_status_updated in order, with no sort of the matches', async () => {
    const { result, plans } = await plansOf({ status: 'qualified', sort_by: 'updated_at' });
    expect(result.leads).toHaveLength(50);
    const page = plans.find((p) => !/count\(\*\)/i.test(p.sql))!;
    expect(usesIndex(page.nodes, /^Index (Only )?Scan$/, /^leads_site_status_updated$/), describePlan(page.nodes)).toBe(
      true,
    );
    for (const { nodes } of plans) expect(seqScans(nodes), describePlan(nodes)).toEqual([]);
    // The only sort is of the 50 rows of the page (the outer query), never of every qualified lead.
    const inner = page.nodes.find((n) => n['Node Type'] === 'Limit')!;
    expect(
      flatten(inner).some((n) => n['Node Type'] === 'Sort'),
      describePlan(page.nodes),
    ).toBe(false);
    const count = plans.find((p) => /count\(\*\)/i.test(p.sql))!;
    expect(usesIndex(count.nodes, /^Index (Only )?Scan$/, /^leads_site_status_/), describePlan(count.nodes)).toBe(true);
  });

  it('a deep page walks the created_at index without reading the skipped rows (index-only scan)', async () => {
    const { result, plans } = await plansOf({ offset: LEADS - 100 });
    expect(result.leads).toHaveLength(50);
    expect(result.total).toBe(LEADS);
    const page = plans.find((p) => !/count\(\*\)/i.test(p.sql))!;
    expect(
      usesIndex(page.nodes, /^Index Only Scan( Backward)?$/, /^leads_site_created$/),
      describePlan(page.nodes),
    ).toBe(true);
    for (const { nodes } of plans) expect(seqScans(nodes), describePlan(nodes)).toEqual([]);
  });

  it('sorting by name reads the lower(name COLLATE "C") index in order', async () => {
    const { result, plans } = await plansOf({ sort_by: 'name', sort_order: 'asc' });
    expect(result.leads).toHaveLength(50);
    const page = plans.find((p) => !/count\(\*\)/i.test(p.sql))!;
    expect(usesIndex(page.nodes, /^Index (Only )?Scan$/, /^leads_site_name$/), describePlan(page.nodes)).toBe(true);
  });

  it('an attribution filter reads the lead_touches indexes; a selective one never scans the leads', async () => {
    const rare = await plansOf({ utm_campaign: 'RARE-campaign' });
    expect(rare.result.total).toBe(LEADS / 1000);
    for (const { nodes } of rare.plans) {
      expect(
        usesIndex(nodes, /^Index (Only )?Scan$|^Bitmap Index Scan$/, /^lead_touches_utm_campaign$/),
        describePlan(nodes),
      ).toBe(true);
      expect(seqScans(nodes), describePlan(nodes)).toEqual([]);
    }
    // A common channel (one lead in eleven): the page still comes by index; its count may hash-join a scan of the
    // leads, which the planner finds cheaper than fetching a tenth of them one by one.
    const channel = await plansOf({ channel: 'email', limit: 20 });
    expect(channel.result.leads).toHaveLength(20);
    const page = channel.plans.find((p) => !/count\(\*\)/i.test(p.sql))!;
    expect(seqScans(page.nodes), describePlan(page.nodes)).toEqual([]);
  });
});
