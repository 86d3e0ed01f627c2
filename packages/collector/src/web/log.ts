/**
 * What request logs may hold: method, route, status, timing, the request id and the site id. Never a body, a key, an
 * email address, a phone number or a client address. Paths and error messages are the two places such data could
 * slip in (a key pasted into a URL, a driver error quoting a value), so both are scrubbed here.
 */

/** A path segment kept as it is: a plain word (route names, `leadtrail.js`); anything else is replaced by `*`. */
const PLAIN_SEGMENT = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;
const KEY_LIKE = /^lt_/i;

/** The path with every segment that is not a plain word (ids, emails, keys, numbers, encoded text) replaced. */
export function redactPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (segment === '' || (PLAIN_SEGMENT.test(segment) && !KEY_LIKE.test(segment)) ? segment : '*'))
    .join('/');
}

const SCRUBS: [RegExp, string][] = [
  [/lt_(?:sk|pk)_[A-Za-z0-9_-]*/gi, '[key]'],
  [/Bearer\s+\S+/gi, 'Bearer [key]'],
  [/[^\s"'<>@=:,;()[\]]+@[^\s"'<>@,;()[\]]+/g, '[email]'],
  // Phone numbers and other long digit runs (with the separators phone numbers use).
  [/\+?\d[\d\s().-]{5,}\d/g, '[number]'],
];

/** An error message with keys, emails and phone-like numbers taken out, and bounded in length. */
export function scrubMessage(message: string): string {
  let out = message.length > 500 ? `${message.slice(0, 500)}...` : message;
  for (const [pattern, replacement] of SCRUBS) out = out.replace(pattern, replacement);
  return out;
}

/** The fields an error log entry may carry about an unexpected error. */
export function errorFields(error: unknown): { error: string; message: string } {
  if (error instanceof Error) return { error: error.name, message: scrubMessage(error.message) };
  return { error: 'unknown', message: scrubMessage(String(error)) };
}
