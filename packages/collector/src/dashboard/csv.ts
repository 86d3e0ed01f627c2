/**
 * CSV export: RFC 4180 (comma, CRLF, fields quoted when they hold a quote, comma or line break, quotes doubled),
 * with spreadsheet formula injection neutralised, streamed page by page so any number of leads fits.
 */
import type { Lead, TouchDetails } from '@leadtrail/protocol';

/** A text cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A phone number (`+1 555 0100`, `-` or `(0)` inside): digits, spaces and `().-` after an optional `+`. Run as a
 * formula it could name no function and no cell, so it is written as typed, not with a `'` in front.
 */
const PHONE_LIKE = /^\+?[\d ().-]*\d[\d ().-]*$/;

/** One cell. Text that a spreadsheet would evaluate gets a leading `'`; numbers are written as they are. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text) && !PHONE_LIKE.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (values: readonly unknown[]) => `${values.map(csvCell).join(',')}\r\n`;

/** Each touch's columns in the export (prefixed first_touch_ and latest_touch_). */
const TOUCH_COLUMNS = [
  'channel',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'click_id_kind',
  'click_id',
  'referrer',
  'landing_page',
  'at',
] as const satisfies readonly (keyof TouchDetails)[];

export const EXPORT_COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'company',
  'position',
  'status',
  'origin',
  'source',
  'lead_score',
  'interest_level',
  'product_interest',
  'notes',
  'page_count',
  'pages',
  'time_spent',
  'visit_count',
  'created_at',
  'updated_at',
  'status_changed_at',
  ...TOUCH_COLUMNS.map((column) => `first_touch_${column}` as const),
  ...TOUCH_COLUMNS.map((column) => `latest_touch_${column}` as const),
] as const;

export function leadRow(lead: Lead): unknown[] {
  return EXPORT_COLUMNS.map((column) => {
    if (column === 'page_count') return lead.pages_visited.length;
    if (column === 'pages') return lead.pages_visited.map((p) => p.path).join(' ');
    if (column.startsWith('first_touch_')) return touchValue(lead.attribution.first_touch, column.slice(12));
    if (column.startsWith('latest_touch_')) return touchValue(lead.attribution.latest_touch, column.slice(13));
    return lead[column as keyof Lead];
  });
}

const touchValue = (touch: TouchDetails | null, column: string) =>
  touch ? touch[column as (typeof TOUCH_COLUMNS)[number]] : null;

export interface ExportPage {
  leads: Lead[];
  has_more: boolean;
}

/**
 * A byte stream of the CSV: a UTF-8 BOM (so spreadsheets read accents right), the header, then one list page at a
 * time, fetched only when the client has read the previous one. A lead that moved across a page boundary while the
 * export ran (a new lead on top shifts the pages by one) is written once. A failure mid-way aborts the stream, so a
 * download is never silently cut short.
 */
export function exportStream(fetchPage: (offset: number) => Promise<ExportPage>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let offset = 0;
  let previous = new Set<string>();
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${csvRow(EXPORT_COLUMNS)}`));
    },
    async pull(controller) {
      if (done) return;
      const page = await fetchPage(offset);
      offset += page.leads.length;
      const fresh = page.leads.filter((lead) => !previous.has(lead.id));
      previous = new Set(page.leads.map((lead) => lead.id));
      if (fresh.length) controller.enqueue(encoder.encode(fresh.map((lead) => csvRow(leadRow(lead))).join('')));
      if (!page.has_more || page.leads.length === 0) {
        done = true;
        controller.close();
      }
    },
  });
}

/** Parses CSV text (RFC 4180) into rows: the inverse of csvRow, used by tests and handy for imports. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && source[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
