/** A store setting from the environment: a positive integer, else `fallback` (unset, or not a positive integer). */
export function positiveIntFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
