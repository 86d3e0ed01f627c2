/**
 * Owner passwords: scrypt (node:crypto) at OWASP's floor (N=2^17, r=8, p=1) with a random salt, stored as
 * `scrypt$N$r$p$salt$hash`, compared in constant time. A hash made with weaker parameters still verifies and is
 * reported as outdated, so the sign-in that proves the password can store a new hash. Hashing runs off the event
 * loop (libuv's thread pool); each takes 128 MiB while it runs, and at most two run at once.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

interface Params {
  N: number;
  r: number;
  p: number;
}

/** OWASP's password storage cheat sheet, scrypt: N=2^17, r=8, p=1. */
export const SCRYPT_PARAMS: Params = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** Stored parameters above this are refused rather than run (a hash is data: it must not choose our memory use). */
const MAX_N = 2 ** 18;
/** Hashes computed at once; the others wait. Each holds 128 * N * r bytes (128 MiB now) while it runs. */
const CONCURRENT_HASHES = 2;

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` when fewer than CONCURRENT_HASHES hashes are running, so sign-ins cannot add up to gigabytes. */
async function oneOfFew<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, params: Params): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node refuses above maxmem (32 MiB by default).
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return oneOfFew(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
}

/** Why a password is refused, or null when it is fine. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A stored hash to compare with when there is none, so a wrong site id costs as long as a wrong password. */
const DUMMY = `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`;

export interface PasswordCheck {
  ok: boolean;
  /** The hash uses weaker parameters than SCRYPT_PARAMS: store a new one now that the password is known. */
  outdated: boolean;
}

export async function verifyPassword(password: string, stored: string | null): Promise<PasswordCheck> {
  const refused = { ok: false, outdated: false };
  if (password.length > MAX_PASSWORD_LENGTH) return refused;
  const [scheme, n, r, p, salt, hash] = (stored ?? DUMMY).split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash || !Number.isInteger(params.N) || params.N > MAX_N) return refused;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), params);
  const ok = stored !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
  const outdated = params.N < SCRYPT_PARAMS.N || params.r < SCRYPT_PARAMS.r || params.p < SCRYPT_PARAMS.p;
  return { ok, outdated: ok && outdated };
}
