/**
 * Dashboard sessions, CSRF tokens and owner passwords as units: a session is a random token whose hash is the stored
 * row's id; CSRF tokens belong to one session and one secret; passwords are scrypt at OWASP's floor, and a hash with
 * weaker parameters verifies and reports itself outdated.
 */
import { randomBytes, type ScryptOptions, scrypt, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestSite, type TestSite } from '../../../test/support/collector.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { hashPassword, passwordProblem, SCRYPT_PARAMS, verifyPassword } from '../src/core/owner-password.ts';
import { newSession, SESSION_SECONDS, sessionIdOf } from '../src/core/owner-sessions.ts';
import { checkOwnerPassword, setOwnerPassword } from '../src/core/sites.ts';
import { currentOwner, endSession, signInWithPassword, startSession } from '../src/dashboard/auth.ts';
import { safeNext } from '../src/dashboard/context.ts';
import { csrfToken, csrfValid } from '../src/dashboard/csrf.ts';
import { claimsOf } from '../src/dashboard/session.ts';

// scrypt as it is, watched: which parameters a sign-in pays for.
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return { ...crypto, scrypt: vi.fn(crypto.scrypt) };
});
const scryptCosts = () => vi.mocked(scrypt).mock.calls.map((call) => (call[3] as ScryptOptions).N);

const SITE = '0e6b1c1e-8a5e-4c3e-9a52-0c6f1e2d3b4a';
const secret = randomBytes(32);
const now = Date.UTC(2026, 10, 26, 10);

describe('sessions', () => {
  it('are a random token; the row holds only its SHA-256, and the CSRF nonce is random too', () => {
    const a = newSession({ siteId: SITE, method: 'key', ref: 'key-id' }, now);
    const b = newSession({ siteId: SITE, method: 'key', ref: 'key-id' }, now);
    expect(a.token).toMatch(/^[\w-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.session.id).toBe(sessionIdOf(a.token));
    expect(a.session.id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(a.session)).not.toContain(a.token);
    expect(a.session.nonce).not.toBe(b.session.nonce);
    expect(Date.parse(a.session.expires_at) - now).toBe(SESSION_SECONDS * 1000);
  });

  it('take only a token-shaped cookie', () => {
    for (const bad of [undefined, '', 'x', `${'a'.repeat(43)}.sig`, 'a'.repeat(44), `${'a'.repeat(42)}=`]) {
      expect(sessionIdOf(bad)).toBeNull();
    }
  });
});

describe('sessions in the store', () => {
  let handle: StoreHandle;
  let site: TestSite;
  beforeAll(async () => {
    handle = await openSqliteTestStore();
    site = await createTestSite(handle.store);
  });
  afterAll(async () => {
    await handle?.cleanup();
  });

  it('end when signed out, and when they expire', async () => {
    const signedIn = { site: (await handle.store.getSite(site.siteId))!, method: 'password' as const, ref: 'password' };
    await setOwnerPassword(handle.store, site.siteId, 'a long passphrase');
    const token = await startSession(handle.store, signedIn, now);
    const copy = token;
    expect(await currentOwner(handle.store, secret, token, now)).not.toBeNull();
    expect(await currentOwner(handle.store, secret, token, now + SESSION_SECONDS * 1000)).toBeNull();
    await endSession(handle.store, token);
    expect(await currentOwner(handle.store, secret, copy, now)).toBeNull();
  });

  it('opened with the password end when the password changes or is removed', async () => {
    await setOwnerPassword(handle.store, site.siteId, 'first passphrase');
    const signedIn = await signInWithPassword(handle.store, site.siteId, 'first passphrase');
    expect(signedIn).not.toBeNull();
    const token = await startSession(handle.store, signedIn!, Date.now());
    expect(await currentOwner(handle.store, secret, token, Date.now())).not.toBeNull();
    await setOwnerPassword(handle.store, site.siteId, 'second passphrase');
    expect(await currentOwner(handle.store, secret, token, Date.now())).toBeNull();
    const again = await startSession(
      handle.store,
      (await signInWithPassword(handle.store, site.siteId, 'second passphrase'))!,
      Date.now(),
    );
    await setOwnerPassword(handle.store, site.siteId, null);
    expect(await currentOwner(handle.store, secret, again, Date.now())).toBeNull();
  });

  it('upgrade an outdated password hash at the next sign-in, without ending the owner’s other sessions', async () => {
    // A hash at N=2^15, below today's floor.
    const salt = randomBytes(16);
    const key = scryptSync('an old passphrase'.normalize('NFC'), salt, 32, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    const old = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await handle.store.setOwnerPassword(site.siteId, old, new Date().toISOString());
    const other = await startSession(
      handle.store,
      { site: (await handle.store.getSite(site.siteId))!, method: 'password', ref: 'password' },
      Date.now(),
    );

    expect(await checkOwnerPassword(handle.store, site.siteId, 'a wrong passphrase')).toBeNull();
    expect(await handle.store.getOwnerPassword(site.siteId)).toBe(old);
    expect(await checkOwnerPassword(handle.store, site.siteId, 'an old passphrase')).not.toBeNull();
    const upgraded = await handle.store.getOwnerPassword(site.siteId);
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await verifyPassword('an old passphrase', upgraded)).ok).toBe(true);
    expect(await currentOwner(handle.store, secret, other, Date.now())).not.toBeNull();
  });

  it('never undo a password set while a sign-in upgrades the old hash, nor keep that sign-in’s session', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('the old passphrase', salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const old = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await handle.store.setOwnerPassword(site.siteId, old, new Date().toISOString());
    // The owner sets a new password (another process) just after the sign-in read the old hash.
    const racing = {
      ...handle.store,
      async getOwnerPassword(id: string) {
        const hash = await handle.store.getOwnerPassword(id);
        await setOwnerPassword(handle.store, id, 'the new passphrase');
        return hash;
      },
    };
    expect(await checkOwnerPassword(racing, site.siteId, 'the old passphrase')).toBeNull();
    expect((await verifyPassword('the new passphrase', await handle.store.getOwnerPassword(site.siteId))).ok).toBe(
      true,
    );

    // A sign-in that proved a password changed before its session was stored gets no session.
    const proved = await checkOwnerPassword(handle.store, site.siteId, 'the new passphrase');
    await setOwnerPassword(handle.store, site.siteId, 'the newest passphrase');
    const signedIn = { site: proved!.site, method: 'password' as const, ref: 'password', proved: proved!.hash };
    const sessionsBefore = await handle.store.deleteSiteSessions(site.siteId, 'password');
    expect(sessionsBefore).toBe(0);
    expect(await startSession(handle.store, signedIn, Date.now())).toBeNull();
    expect(await handle.store.deleteSiteSessions(site.siteId, 'password')).toBe(0);
  });

  it('cost an unknown site id one scrypt at the current parameters, as a wrong password costs', async () => {
    vi.mocked(scrypt).mockClear();
    expect(await checkOwnerPassword(handle.store, crypto.randomUUID(), 'a long passphrase')).toBeNull();
    expect(await checkOwnerPassword(handle.store, 'not-a-site', 'a long passphrase')).toBeNull();
    expect(scryptCosts()).toEqual([2 ** 17, 2 ** 17]);
  });
});

describe('CSRF tokens', () => {
  const claims = () => claimsOf(newSession({ siteId: SITE, method: 'key', ref: 'k' }, now).session);
  it('belong to one session and one secret', () => {
    const a = claims();
    const b = claims();
    const token = csrfToken(secret, a);
    expect(csrfValid(secret, a, token)).toBe(true);
    expect(csrfValid(secret, b, token)).toBe(false);
    expect(csrfValid(randomBytes(32), a, token)).toBe(false);
    expect(csrfValid(secret, a, undefined)).toBe(false);
    expect(csrfValid(secret, a, '')).toBe(false);
    expect(csrfValid(secret, a, `${token}x`)).toBe(false);
    expect(csrfValid(secret, a, [token])).toBe(false);
  });

  it('are not the session token', () => {
    const { token, session } = newSession({ siteId: SITE, method: 'key', ref: 'k' }, now);
    expect(token).not.toBe(csrfToken(secret, claimsOf(session)));
  });
});

describe('owner passwords', () => {
  it('hash with scrypt at OWASP’s floor (N=2^17, r=8, p=1) and a random salt, and verify', async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const hash = await hashPassword('a long passphrase');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await hashPassword('a long passphrase')).not.toBe(hash);
    expect(await verifyPassword('a long passphrase', hash)).toEqual({ ok: true, outdated: false });
    expect((await verifyPassword('a long passphrasE', hash)).ok).toBe(false);
    expect((await verifyPassword('', hash)).ok).toBe(false);
    expect((await verifyPassword('a long passphrase', null)).ok).toBe(false);
    expect((await verifyPassword('a long passphrase', 'md5$abc')).ok).toBe(false);
    // A stored hash may not choose how much memory we spend.
    expect((await verifyPassword('a long passphrase', 'scrypt$4194304$8$1$AAAA$AAAA')).ok).toBe(false);
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
