/**
 * Checks of the raw input before validation, in one walk without recursion so no input can exhaust the stack: how
 * deep it nests, whether it uses a key that could pollute a prototype (schemas would silently drop it, changing what
 * is stored without saying so), and whether its text (keys and string values) is text every store can hold.
 * PostgreSQL refuses the NUL character in text and jsonb, and a lone UTF-16 surrogate cannot be written as UTF-8 at
 * all; both are refused here, on both stores, rather than failing in the database (a 500) or being stored altered.
 */
import { type ErrorIssue, RESERVED_KEYS } from '@leadtrail/protocol';
import { invalidInput } from './errors.ts';

/** Far deeper than any valid input (contact_info may nest 5 levels below its field). */
export const MAX_INPUT_DEPTH = 32;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode text (it has a lone surrogate)';
  return null;
}

/** The first problem found, depth first, as an issue naming where it is; null when the input is fine. */
export function inputProblem(input: unknown): ErrorIssue | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { path, message: problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { path, message: `is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)` };
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    // Pushed in reverse so the first key is looked at first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const here = path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && RESERVED_KEYS.has(key)) {
        return { path: here, message: 'is a reserved key and is not accepted' };
      }
      const keyProblem = Array.isArray(value) ? null : textProblem(key);
      if (keyProblem) return { path: here, message: `has a key that ${keyProblem}` };
      stack.push({ value: child, path: here, depth: depth + 1 });
    }
  }
  return null;
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The input as a plain object that passed the checks above; otherwise a 400 naming the problem. */
export function guardedInput(input: unknown): Record<string, unknown> {
  if (!isPlainObject(input)) throw invalidInput([{ path: '', message: 'must be a JSON object' }]);
  const problem = inputProblem(input);
  if (problem) throw invalidInput([problem]);
  return input;
}
