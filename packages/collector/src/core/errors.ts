import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorIssue } from '@leadtrail/protocol';
import { DuplicateEmailError } from '../store/lead-store.ts';

/** A failure the caller caused or must know about; every front door turns it into the one error shape. */
export class LeadsError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { issues?: ErrorIssue[]; lead_id?: string; lead_ids?: string[]; retryAfter?: number } = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    const { retryAfter: _, ...extra } = this.extra;
    return { success: false, error: { code: this.code, message: this.message, ...extra } };
  }
}

export const invalidInput = (issues: ErrorIssue[], message = 'The input is not valid') =>
  new LeadsError('invalid_input', `${message}: ${issues.map((i) => `${i.path || 'input'} ${i.message}`).join('; ')}`, {
    issues,
  });

export const notFound = (what = 'Lead') => new LeadsError('not_found', `${what} not found`);

/** Anything else becomes `internal`, with no stack or driver text reaching the caller. */
export function toLeadsError(error: unknown): LeadsError {
  if (error instanceof LeadsError) return error;
  // Lost a race for an email: the unique index refused it, which is a conflict, not a fault.
  if (error instanceof DuplicateEmailError) {
    return new LeadsError(
      'duplicate_lead',
      'A lead with this email already exists on this site',
      error.existingLeadId ? { lead_id: error.existingLeadId } : {},
    );
  }
  return new LeadsError('internal', 'Internal error');
}
