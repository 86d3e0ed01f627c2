import * as v from 'valibot';

const MAX_JSON_BYTES = 8 * 1024;
const MAX_DEPTH = 5;
/** Keys that could pollute a prototype: refused anywhere in an input (schemas would silently drop them). */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a free-form JSON value is refused, or null: too deep, too large or carrying prototype-polluting keys. */
export function jsonObjectProblem(value: unknown): string | null {
  const walk = (node: unknown, depth: number): string | null => {
    if (depth > MAX_DEPTH) return `must be nested at most ${MAX_DEPTH} levels deep`;
    if (node === null || typeof node !== 'object') return null;
    for (const key of Object.keys(node)) {
      if (RESERVED_KEYS.has(key)) return `must not use the key "${key}"`;
      const problem = walk((node as Record<string, unknown>)[key], depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  const problem = walk(value, 1);
  if (problem) return problem;
  if (JSON.stringify(value).length > MAX_JSON_BYTES) return `must be at most ${MAX_JSON_BYTES} bytes as JSON`;
  return null;
}

export const jsonObjectChecks = [
  v.rawCheck<Record<string, unknown>>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = jsonObjectProblem(dataset.value);
    if (problem) addIssue({ message: problem });
  }),
] as const;
