import type { Context } from 'hono';
import { LeadsError, toLeadsError } from '../core/errors.ts';

/** The one error answer: `{success:false, error:{code, message, issues?}}` plus the headers its status needs. */
export function errorResponse(c: Context, error: unknown): Response {
  const failure = toLeadsError(error);
  if (failure.status === 401) c.header('WWW-Authenticate', 'Bearer realm="leadtrail"');
  if (failure.status === 429) c.header('Retry-After', String(failure.extra.retryAfter ?? 1));
  return c.json(failure.toBody(), failure.status as 400);
}

export const unauthorized = (message = 'Missing API key: send Authorization: Bearer <key>') =>
  new LeadsError('unauthorized', message);
