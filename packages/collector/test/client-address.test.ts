/**
 * The hop rule of `--trust-proxy N`: the client address is counted N hops in from the right of X-Forwarded-For,
 * so entries a client puts on the left never matter; X-Forwarded-Host/-Proto come from the nearest hop only.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/args.ts';
import { takeTrustProxy } from '../src/cli/commands/serve.ts';
import { publicOrigin } from '../src/dashboard/security.ts';
import { clientAddress, nearestHopValue, trustedHops } from '../src/web/client-address.ts';

const SOCKET = '192.0.2.1';

describe('clientAddress', () => {
  it('with no trusted hop, ignores X-Forwarded-For entirely', () => {
    expect(clientAddress(SOCKET, '203.0.113.9', 0)).toBe(SOCKET);
    expect(clientAddress(SOCKET, undefined, 0)).toBe(SOCKET);
  });

  it('with 1 hop, takes the rightmost entry, whatever the client put on its left', () => {
    expect(clientAddress(SOCKET, '203.0.113.9', 1)).toBe('203.0.113.9');
    for (let i = 0; i < 5; i++) expect(clientAddress(SOCKET, `10.0.0.${i}, 203.0.113.9`, 1)).toBe('203.0.113.9');
  });

  it('with 2 and 3 hops, counts that many in from the right', () => {
    const chain = '1.1.1.1, 2.2.2.2, 203.0.113.9, 10.0.0.2, 10.0.0.1';
    expect(clientAddress(SOCKET, chain, 2)).toBe('10.0.0.2');
    expect(clientAddress(SOCKET, chain, 3)).toBe('203.0.113.9');
    expect(clientAddress(SOCKET, `6.6.6.6, ${chain}`, 3)).toBe('203.0.113.9');
  });

  it('with fewer entries than hops, takes the leftmost', () => {
    expect(clientAddress(SOCKET, '203.0.113.9, 10.0.0.1', 3)).toBe('203.0.113.9');
    expect(clientAddress(SOCKET, '203.0.113.9', 2)).toBe('203.0.113.9');
  });

  it('with no X-Forwarded-For, takes the socket address', () => {
    expect(clientAddress(SOCKET, undefined, 1)).toBe(SOCKET);
    expect(clientAddress(SOCKET, [], 2)).toBe(SOCKET);
  });

  it('joins several headers in order, as one list', () => {
    expect(clientAddress(SOCKET, ['6.6.6.6, 203.0.113.9', '10.0.0.1'], 2)).toBe('203.0.113.9');
    expect(clientAddress(SOCKET, ['6.6.6.6', '203.0.113.9'], 1)).toBe('203.0.113.9');
  });

  it('reads addresses with ports and brackets, and IPv6', () => {
    expect(clientAddress(SOCKET, '203.0.113.9:4711', 1)).toBe('203.0.113.9');
    expect(clientAddress(SOCKET, '[2001:db8::1]:443', 1)).toBe('2001:db8::1');
    expect(clientAddress(SOCKET, '[2001:db8::1]', 1)).toBe('2001:db8::1');
    expect(clientAddress(SOCKET, ' 2001:db8::2 ', 1)).toBe('2001:db8::2');
  });

  it('takes the socket address where the picked entry is not an address, and never throws', () => {
    for (const garbage of ['', ' ', ',', 'unknown', 'evil.test', '<script>', '999.1.1.1', '[::1', '1.2.3.4:x']) {
      expect(clientAddress(SOCKET, garbage, 1)).toBe(SOCKET);
    }
    expect(clientAddress(SOCKET, '203.0.113.9,,10.0.0.1', 2)).toBe(SOCKET);
    // An empty entry still counts as a hop: garbage on the left cannot move which entry is picked.
    expect(clientAddress(SOCKET, 'unknown, , 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress(SOCKET, ',,,,203.0.113.9, 10.0.0.1', 2)).toBe('203.0.113.9');
  });
});

describe('nearestHopValue', () => {
  it('is the rightmost entry, trimmed', () => {
    expect(nearestHopValue('https')).toBe('https');
    expect(nearestHopValue('https, http')).toBe('http');
    expect(nearestHopValue('evil.test,leads.example.com ')).toBe('leads.example.com');
    expect(nearestHopValue(['evil.test', 'leads.example.com'])).toBe('leads.example.com');
  });

  it('is undefined when there is none', () => {
    expect(nearestHopValue(undefined)).toBeUndefined();
    expect(nearestHopValue('')).toBeUndefined();
    expect(nearestHopValue('https, ')).toBeUndefined();
  });
});

describe('trustedHops', () => {
  it('accepts a whole number of hops and refuses anything else', () => {
    expect(trustedHops(0)).toBe(0);
    expect(trustedHops(3)).toBe(3);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, '1', null]) {
      expect(() => trustedHops(bad)).toThrow(/trustProxy must be a whole number of proxy hops/);
    }
  });
});

describe('publicOrigin', () => {
  const originOf = async (trustProxy: number, headers: Record<string, string>) => {
    const app = new Hono().get('/', (c) => c.text(publicOrigin(c, trustProxy)));
    return (await app.request('http://127.0.0.1:8787/', { headers })).text();
  };

  it('behind a trusted proxy, takes the rightmost X-Forwarded-Proto and -Host, not a spoofed leftmost', async () => {
    const headers = { 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'evil.test, leads.example.com' };
    expect(await originOf(1, headers)).toBe('https://leads.example.com');
    const spoofed = { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'leads.example.com, 127.0.0.1:8787' };
    expect(await originOf(2, spoofed)).toBe('http://127.0.0.1:8787');
  });

  it('with no trusted proxy, ignores them', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'leads.example.com' };
    expect(await originOf(0, headers)).toBe('http://127.0.0.1:8787');
  });

  it('ignores a host that is not a host and a proto that is not http(s)', async () => {
    expect(await originOf(1, { 'x-forwarded-proto': 'ftp', 'x-forwarded-host': 'a b/c' })).toBe(
      'http://127.0.0.1:8787',
    );
  });
});

describe('serve --trust-proxy', () => {
  it('is off when absent, 1 when bare, N when given as =N or as the next argument', () => {
    expect(takeTrustProxy(['--port', '0'])).toEqual({ rest: ['--port', '0'], hops: 0 });
    expect(takeTrustProxy(['--trust-proxy'])).toEqual({ rest: [], hops: 1 });
    expect(takeTrustProxy(['--trust-proxy', '--port', '0'])).toEqual({ rest: ['--port', '0'], hops: 1 });
    expect(takeTrustProxy(['--trust-proxy=2', '--db', 'x'])).toEqual({ rest: ['--db', 'x'], hops: 2 });
    expect(takeTrustProxy(['--trust-proxy', '3', '--db', 'x'])).toEqual({ rest: ['--db', 'x'], hops: 3 });
    expect(takeTrustProxy(['--trust-proxy=0'])).toEqual({ rest: [], hops: 0 });
    expect(takeTrustProxy(['--', '--trust-proxy'])).toEqual({ rest: ['--', '--trust-proxy'], hops: 0 });
  });

  it('refuses a value that is not a whole number, with a usage error', () => {
    for (const args of [['--trust-proxy=two'], ['--trust-proxy='], ['--trust-proxy', 'yes'], ['--trust-proxy=1.5']]) {
      expect(() => takeTrustProxy(args)).toThrow(UsageError);
      expect(() => takeTrustProxy(args)).toThrow(/--trust-proxy takes the number of proxies/);
    }
  });
});
