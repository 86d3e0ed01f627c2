/**
 * The published tool's MCP schema types contact_info and company_info as JSON strings and pages_visited as a
 * comma-separated string of paths, so its clients send those. This front door turns JSON in such strings back into
 * the object or array the protocol expects before the core validates (the protocol itself splits a comma-separated
 * list of paths). A string that does not parse is left as it is:
 * the core then refuses it by name ("must be an object"), which tells the agent what to send instead.
 */
import { isPlainObject } from '../core/input-guard.ts';

const JSON_OBJECT_FIELDS = ['contact_info', 'company_info'] as const;

const NOT_JSON = Symbol('not json');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** `{"a":1}` -> object; `null` -> null (update clears the field); anything else stays the string it was. */
function objectFromString(text: string): unknown {
  const parsed = parseJson(text.trim());
  return isPlainObject(parsed) || parsed === null ? parsed : text;
}

/**
 * A JSON array (`[{"path":"/a"}]` or `["/a"]`) or `null`; else the string as it is (the protocol takes a
 * comma-separated list of paths, `/a, /b`, from any door).
 */
function pagesFromString(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = parseJson(trimmed);
    return Array.isArray(parsed) ? parsed : text;
  }
  return trimmed === 'null' ? null : text;
}

/** The tool's arguments with the published tool's string forms turned into values; the input is not changed. */
export function coerceToolArguments(args: unknown): unknown {
  if (!isPlainObject(args)) return args;
  const out: Record<string, unknown> = { ...args };
  for (const field of JSON_OBJECT_FIELDS) {
    const value = out[field];
    if (typeof value === 'string') out[field] = objectFromString(value);
  }
  if (typeof out.pages_visited === 'string') out.pages_visited = pagesFromString(out.pages_visited);
  return out;
}
