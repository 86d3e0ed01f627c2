/** Dashboard sessions and CSRF tokens (HMAC-signed, expiring), owner passwords (scrypt), and safe redirects. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safeNext } from '../src/dashboard/context.ts';
import { csrfToken, csrfValid } from '../src/dashboard/csrf.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../src/dashboard/password.ts';
import {
  newSession,
  passwordTag,
  SESSION_SECONDS,
  type SessionClaims,
  signSession,
  verifySession,
} from '../src/dashboard/session.ts';

const secret = randomBytes(32);
const SITE = '6b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const now = Date.UTC(2026, 0, 1, 12);

describe('session tokens', () => {
  it('verify what they signed: site, method, key id, expiry', () => {
    const claims = newSession(SITE, 'key', 'key-id', now);
    const token = signSession(secret, claims);
    expect(verifySession(secret, token, now)).toEqual(claims);
    expect(claims.exp).toBe(now / 1000 + SESSION_SECONDS);
  });

  it('expire', () => {
    const token = signSession(secret, newSession(SITE, 'key', 'key-id', now));
    expect(verifySession(secret, token, now + SESSION_SECONDS * 1000 - 1)).not.toBeNull();
    expect(verifySession(secret, token, now + SESSION_SECONDS * 1000)).toBeNull();
  });

  it('refuse another secret, a changed payload, a moved signature and garbage', () => {
    const claims = newSession(SITE, 'key', 'key-id', now);
    const token = signSession(secret, claims);
    expect(verifySession(randomBytes(32), token, now)).toBeNull();
    const [payload, signature] = token.split('.') as [string, string];
    const forged: SessionClaims = { ...claims, site: '00000000-0000-4000-8000-000000000000' };
    const forgedPayload = Buffer.from(JSON.stringify(forged)).toString('base64url');
    expect(verifySession(secret, `${forgedPayload}.${signature}`, now)).toBeNull();
    const longer: SessionClaims = { ...claims, exp: claims.exp + 86_400 * 365 };
    expect(
      verifySession(secret, `${Buffer.from(JSON.stringify(longer)).toString('base64url')}.${signature}`, now),
    ).toBeNull();
    expect(verifySession(secret, `${payload}.${signature.slice(0, -2)}`, now)).toBeNull();
    expect(verifySession(secret, `${payload}.${signature}.x`, now)).toBeNull();
    for (const bad of [undefined, '', '.', 'abc', `${payload}.`, 'x'.repeat(5000)]) {
      expect(verifySession(secret, bad, now)).toBeNull();
    }
  });

  it('refuse a well-signed payload that is not a session', () => {
    const other = Buffer.from(JSON.stringify({ site: SITE, method: 'admin', ref: 'x', exp: 9e9, nonce: 'n' })).toString(
      'base64url',
    );
    const mac = createHmac('sha256', secret).update(`session\u0000${other}`).digest('base64url');
    expect(verifySession(secret, `${other}.${mac}`, now)).toBeNull();
  });

  it('are different each time (a random nonce)', () => {
    const a = newSession(SITE, 'key', 'key-id', now);
    const b = newSession(SITE, 'key', 'key-id', now);
    expect(a.nonce).not.toBe(b.nonce);
    expect(signSession(secret, a)).not.toBe(signSession(secret, b));
  });

  it('name a password by a tag that changes with the password hash and says nothing of it', async () => {
    const hash = await hashPassword('correct horse battery');
    const tag = passwordTag(secret, hash);
    expect(tag).toBe(passwordTag(secret, hash));
    expect(tag).not.toBe(passwordTag(secret, await hashPassword('correct horse battery')));
    expect(hash).not.toContain(tag);
  });
});

describe('CSRF tokens', () => {
  it('belong to one session and one secret', () => {
    const a = newSession(SITE, 'key', 'k', now);
    const b = newSession(SITE, 'key', 'k', now);
    const token = csrfToken(secret, a);
    expect(csrfValid(secret, a, token)).toBe(true);
    expect(csrfValid(secret, b, token)).toBe(false);
    expect(csrfValid(randomBytes(32), a, token)).toBe(false);
    expect(csrfValid(secret, a, undefined)).toBe(false);
    expect(csrfValid(secret, a, '')).toBe(false);
    expect(csrfValid(secret, a, `${token}x`)).toBe(false);
    expect(csrfValid(secret, a, [token])).toBe(false);
  });

  it('are not the session token or its signature', () => {
    const claims = newSession(SITE, 'key', 'k', now);
    const token = signSession(secret, claims);
    expect(token).not.toContain(csrfToken(secret, claims));
  });
});

describe('owner passwords', () => {
  it('hash with scrypt and a random salt, and verify', async () => {
    const hash = await hashPassword('a long passphrase');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await hashPassword('a long passphrase')).not.toBe(hash);
    expect(await verifyPassword('a long passphrase', hash)).toBe(true);
    expect(await verifyPassword('a long passphrasE', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('a long passphrase', null)).toBe(false);
    expect(await verifyPassword('a long passphrase', 'md5$abc')).toBe(false);
  });

  it('must be long enough', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('long enough now')).toBeNull();
    expect(passwordProblem('x'.repeat(2000))).toMatch(/at most/);
  });
});

describe('the return path after sign-in', () => {
  it('is a dashboard path only', () => {
    expect(safeNext('/leads/abc?done=notes')).toBe('/leads/abc?done=notes');
    expect(safeNext('/setup')).toBe('/setup');
    for (const bad of [
      undefined,
      '',
      'https://evil.test/leads',
      '//evil.test/leads',
      '/\\evil.test',
      '/api/x',
      '/leadsx',
      'leads',
    ]) {
      expect(safeNext(bad)).toBeNull();
    }
  });
});
