/**
 * The MCP tool `leads`: the seed's name and description, and an input schema generated from the protocol's
 * `fields` (one valibot schema per parameter of the seed's table, with its words), so nothing is written twice.
 */
import { fields } from '@leadtrail/protocol';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { type JsonSchema, toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';

export const LEADS_TOOL_NAME = 'leads';

/** The seed's description of the tool, word for word (with straight quotes). */
export const SEED_DESCRIPTION =
  'Manage leads. Use action="create" to create a new lead (requires name, email). ' +
  'Use action="update" to update an existing lead (requires lead_id). ' +
  'Use action="list" to get leads with filters. ' +
  'Use action="qualify" to change status (requires status). ' +
  'Use action="identify" to identify a visitor (requires visitor_id).';

/** What an agent needs beyond the seed's words to call this implementation right the first time. */
const NOTES =
  ' The API key decides the site, so site_id may be left out. ' +
  'list with lead_id returns that one lead with its visitors and status history. ' +
  'qualify finds the lead by lead_id, else email, else phone. ' +
  'In update, null clears a field. ' +
  'Each action refuses parameters it does not use; an error result names the fields to correct.';

export const LEADS_TOOL_DESCRIPTION = SEED_DESCRIPTION + NOTES;

/**
 * One object for every action: `action` is required, every other parameter optional; which ones an action needs
 * and accepts is checked by the core (the same validation REST gets), and explained in the description.
 */
const { action, ...parameters } = fields;
const ToolArguments = v.strictObject({
  action,
  ...(Object.fromEntries(Object.entries(parameters).map(([name, schema]) => [name, v.optional(schema)])) as {
    [K in keyof typeof parameters]: v.OptionalSchema<(typeof parameters)[K], undefined>;
  }),
});

/** JSON Schema draft 2020-12 of the tool's arguments. Checks JSON Schema cannot say (trim, nesting) are left out. */
export function leadsInputSchema(): Tool['inputSchema'] {
  const schema: JsonSchema = toJsonSchema(ToolArguments, { target: 'draft-2020-12', errorMode: 'ignore' });
  return schema as Tool['inputSchema'];
}

export const leadsTool: Tool = {
  name: LEADS_TOOL_NAME,
  title: 'Leads',
  description: LEADS_TOOL_DESCRIPTION,
  inputSchema: leadsInputSchema(),
  annotations: { title: 'Leads', readOnlyHint: false, openWorldHint: false },
};
