/**
 * The one error path of the web doors: an unexpected error is logged once (its name and a scrubbed message, with the
 * request id) and answered as `internal`; a LeadsError is answered with its code. REST and MCP answer JSON, the
 * dashboard an HTML page: the answer differs, the logging does not.
 */
import type { Context } from 'hono';
import { LeadsError, toLeadsError } from '../core/errors.ts';
import { errorFields } from './log.ts';
import type { AppOptions } from './options.ts';

/** Logs an error that is not the caller's (anything that answers `internal`); a caller's mistake is not logged. */
export function logUnexpected(c: Context, log: AppOptions['log'], error: unknown) {
  if (toLeadsError(error).code === 'internal')
    log({ req_id: c.get('requestId'), level: 'error', ...errorFields(error) });
}

/** The one error answer: `{success:false, error:{code, message, issues?}}` plus the headers its status needs. */
export function errorResponse(c: Context, error: unknown): Response {
  const failure = toLeadsError(error);
  if (failure.status === 401) c.header('WWW-Authenticate', 'Bearer realm="leadtrail"');
  if (failure.status === 429) c.header('Retry-After', String(failure.extra.retryAfter ?? 1));
  return c.json(failure.toBody(), failure.status as 400);
}

export const unauthorized = (message = 'Missing API key: send Authorization: Bearer <key>') =>
  new LeadsError('unauthorized', message);
