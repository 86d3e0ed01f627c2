import * as v from 'valibot';
import type { ErrorIssue } from './errors.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; issues: ErrorIssue[] };

/** Validates once and turns valibot's issues into `{path, message}` pairs a caller can act on. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): Validated<v.InferOutput<S>> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, issues: result.issues.map(toIssue) };
}

function toIssue(issue: v.BaseIssue<unknown>): ErrorIssue {
  const path = v.getDotPath(issue) ?? '';
  if (issue.kind === 'schema' && issue.expected === 'never' && issue.type.startsWith('strict_object')) {
    return { path, message: 'is not a field of this action' };
  }
  if (issue.type === 'object' || issue.type === 'strict_object') {
    if (issue.received === 'undefined') return { path, message: 'is required' };
    return { path, message: `must be an object, received ${issue.received}` };
  }
  if (issue.kind === 'schema' && issue.received === 'undefined') return { path, message: 'is required' };
  if (issue.kind === 'schema' && issue.type !== 'union' && issue.message.startsWith('Invalid type')) {
    return { path, message: `must be ${article(issue.expected)}, received ${issue.received}` };
  }
  return { path, message: issue.message };
}

const article = (expected: string | null) => {
  if (!expected) return 'valid';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
};

/** Whether text is a UUID (any version, either case): ids from forms and command lines are checked with it. */
export const isUuid = (text: string) => /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i.test(text);
