/** The dashboard's CSV export: RFC 4180 escaping, formula neutralising, and the page-by-page stream. */
import type { Lead } from '@leadtrail/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, EXPORT_COLUMNS, type ExportPage, exportStream, parseCsv } from '../src/dashboard/csv.ts';

const lead = (n: number, extra: Partial<Lead> = {}): Lead => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  site_id: '00000000-0000-4000-8000-000000000000',
  user_id: null,
  name: `Lead ${n}`,
  email: `lead${n}@example.com`,
  phone: null,
  position: null,
  company: null,
  notes: null,
  status: 'new',
  origin: 'website',
  source: null,
  segment_id: null,
  campaign_id: null,
  assignee_id: null,
  lead_score: null,
  contact_info: null,
  company_info: null,
  interest_level: null,
  product_interest: null,
  pages_visited: [],
  time_spent: 0,
  visit_count: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  status_changed_at: null,
  attribution: { first_touch: null, latest_touch: null, channel: null },
  ...extra,
});

/** The stream's text, byte for byte (a BOM included). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const bytes = await new Response(stream).arrayBuffer();
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

describe('csvCell', () => {
  it('leaves plain text and numbers alone, and writes nothing for null', () => {
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes a cell holding a quote, comma or line break, doubling the quotes (RFC 4180)', () => {
    expect(csvCell('Smith, Jane')).toBe('"Smith, Jane"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.test","x")')).toBe(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('+1+cmd|calc')).toBe("'+1+cmd|calc");
    expect(csvCell('+A1')).toBe("'+A1");
    expect(csvCell('+ ')).toBe("'+ ");
    expect(csvCell('-1 555 0100 ext=2')).toBe("'-1 555 0100 ext=2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('writes phone numbers as typed: digits, spaces and ().- after a + name no function and no cell', () => {
    for (const phone of ['+1 555 0100', '+44 (0)20 7946 0000', '+49-30-1234567', '+1.555.010.0100', '-5551234']) {
      expect(csvCell(phone), phone).toBe(phone);
    }
  });

  it('ends rows with CRLF', () => {
    expect(csvRow(['a', 'b,c', 3])).toBe('a,"b,c",3\r\n');
  });

  it('parses back to the same cells (formula cells with their leading quote)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 6 }), {
          maxLength: 5,
        }),
        (rows) => {
          const text = rows.map((r) => csvRow(r)).join('');
          const expected = rows.map((r) => r.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
          // A row of one empty cell is an empty line, which reads back as a row of one empty cell too.
          expect(parseCsv(text)).toEqual(expected);
        },
      ),
    );
  });
});

describe('exportStream', () => {
  it('writes a BOM and the header, then every page, fetching the next page only when read', async () => {
    const offsets: number[] = [];
    const pages: ExportPage[] = [
      { leads: [lead(1), lead(2)], has_more: true },
      { leads: [lead(3, { notes: 'call, then "email"' })], has_more: false },
    ];
    const stream = exportStream(async (offset) => {
      offsets.push(offset);
      return pages[offsets.length - 1]!;
    });
    const text = await readAll(stream);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows.slice(1).map((r) => r[1])).toEqual(['Lead 1', 'Lead 2', 'Lead 3']);
    expect(rows[3]![EXPORT_COLUMNS.indexOf('notes')]).toBe('call, then "email"');
    expect(offsets).toEqual([0, 2]);
  });

  it('writes a lead once when a new lead shifted it across a page boundary', async () => {
    const pages: ExportPage[] = [
      { leads: [lead(1), lead(2)], has_more: true },
      // A new lead arrived on top: lead 2 is now the first of the second page.
      { leads: [lead(2), lead(3)], has_more: false },
    ];
    let call = 0;
    const rows = parseCsv(await readAll(exportStream(async () => pages[call++]!)));
    expect(rows.slice(1).map((r) => r[1])).toEqual(['Lead 1', 'Lead 2', 'Lead 3']);
  });

  it('aborts the download when a page fails, rather than ending it as if complete', async () => {
    const stream = exportStream(async (offset) => {
      if (offset > 0) throw new Error('database went away');
      return { leads: [lead(1)], has_more: true };
    });
    await expect(readAll(stream)).rejects.toThrow('database went away');
  });

  it('writes pages, counts and behaviour columns as text a spreadsheet keeps', async () => {
    const one = lead(7, {
      pages_visited: [
        { path: '/pricing', title: 'Pricing', at: '2026-01-01T00:00:00.000Z' },
        { path: '/contact', title: 'Contact', at: '2026-01-01T00:01:00.000Z' },
      ],
      time_spent: 95,
      visit_count: 2,
      phone: '+1 555 0100',
    });
    const rows = parseCsv(await readAll(exportStream(async () => ({ leads: [one], has_more: false }))));
    const row = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, rows[1]![i]]));
    expect(row).toMatchObject({ page_count: '2', pages: '/pricing /contact', time_spent: '95', visit_count: '2' });
    expect(row.phone).toBe('+1 555 0100');
  });
});
