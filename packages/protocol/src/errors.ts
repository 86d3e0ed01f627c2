/** Error codes and the one error shape every front door answers with. */
import * as v from 'valibot';

/** Each code with the HTTP status it maps to. */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_input: 400,
  unauthorized: 401,
  invalid_api_key: 401,
  forbidden: 403,
  site_mismatch: 403,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  duplicate_lead: 409,
  ambiguous_lead: 409,
  /** Revoking a site's last live secret key (the owner would lose every server's access and the dashboard's). */
  last_secret_key: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export const ErrorIssue = v.object({ path: v.string(), message: v.string() });
export type ErrorIssue = v.InferOutput<typeof ErrorIssue>;

export const ErrorBody = v.object({
  success: v.literal(false),
  error: v.object({
    code: v.picklist(ERROR_CODES),
    message: v.string(),
    issues: v.optional(v.array(ErrorIssue)),
    /** duplicate_lead: the lead that already has this email; ambiguous_lead: the candidates. */
    lead_id: v.optional(v.string()),
    lead_ids: v.optional(v.array(v.string())),
  }),
});
export type ErrorBody = v.InferOutput<typeof ErrorBody>;
