/**
 * The creation period filter in the protocol: `created_from` and `created_to` are read as instants with their offset
 * and kept as the stored form (UTC, milliseconds), unreal dates refused; the list's and the aggregates' schemas refuse a
 * period that runs backwards; OpenAPI's list request and the MCP tool describe both fields.
 */
import { instantOf, LeadFilters, ListInput, validate } from '@leadtrail/protocol';
import { describe, expect, it } from 'vitest';
import { leadsInputSchema } from '../src/mcp/tool.ts';
import { buildOpenApiDocument } from '../src/rest/openapi.ts';

describe('instants', () => {
  it('are read with any offset, seconds and fraction optional, and kept in UTC to the millisecond', () => {
    expect(instantOf('2026-03-01T00:00:00Z')).toBe('2026-03-01T00:00:00.000Z');
    expect(instantOf('2026-03-01T00:00+05:30')).toBe('2026-02-28T18:30:00.000Z');
    expect(instantOf('2026-03-01T05:30:00.123456-0100')).toBe('2026-03-01T06:30:00.123Z');
    expect(instantOf('2026-03-01t00:00:00z')).toBe('2026-03-01T00:00:00.000Z');
  });

  it('are refused without a time or an offset, or when the date or time does not exist', () => {
    for (const text of [
      '2026-03-01',
      '2026-03-01T00:00:00',
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01T12:60:00Z',
      '2026-03-01T00:00:00+05:60',
      '9999-12-31T23:59:59-01:00',
      'March 1, 2026',
    ]) {
      expect(instantOf(text), text).toBeNull();
    }
  });
});

describe('the period', () => {
  it('runs forwards in list’s and the aggregates’ filters; equal bounds are an empty period', () => {
    for (const schema of [ListInput, LeadFilters]) {
      expect(
        validate(schema, { created_from: '2026-03-02T00:00:00Z', created_to: '2026-03-01T23:00:00+02:00' }),
      ).toEqual({
        ok: false,
        issues: [{ path: 'created_to', message: 'must not be before created_from' }],
      });
      expect(
        validate(schema, { created_from: '2026-03-01T00:00:00Z', created_to: '2026-03-01T01:00:00+01:00' }),
      ).toEqual({
        ok: true,
        value: { created_from: '2026-03-01T00:00:00.000Z', created_to: '2026-03-01T00:00:00.000Z' },
      });
    }
  });

  it('is described in OpenAPI’s list request and the MCP tool', () => {
    const list = (buildOpenApiDocument() as { components: { schemas: Record<string, { properties: object }> } })
      .components.schemas.ListRequest!.properties as Record<string, { type: string; description: string }>;
    const tool = leadsInputSchema().properties as Record<string, { type: string; description: string }>;
    for (const properties of [list, tool]) {
      expect(properties.created_from).toMatchObject({
        type: 'string',
        description: expect.stringContaining('ISO 8601'),
      });
      expect(properties.created_to).toMatchObject({
        type: 'string',
        description: expect.stringContaining('exclusive'),
      });
    }
  });
});
