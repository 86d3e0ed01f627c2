/**
 * The log policy: every entry carries a request id; no entry ever holds an email address, a phone number, a key or a
 * client address, whether they came in bodies, headers, URLs or the text of an unexpected error. Checked on the
 * in-process log and on a `leadtrail serve` process's stdout (the request log) and stderr.
 */

import { afterAll, describe, expect, it, vi } from 'vitest';
import type { LeadOps, LeadStore } from '../../packages/collector/src/store/lead-store.ts';
import {
  type DumpableStore,
  mcpToolCall,
  openDumpableStore,
  send,
  siteOn,
  startLoggedCollector,
  startLoggedProcess,
} from './support.ts';

// Generous: the suites share two cores with everything else `pnpm test` runs.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const LEADS = '/api/agents/tools/leads';
const ORIGIN = 'http://site.test';
const PHONE = '+1 (555) 010-9999';

/** A store whose look-ups fail, for emails containing "explode", with a driver-like message quoting the values. */
function explodingStore(store: LeadStore): LeadStore {
  const wrapTx = (tx: LeadOps): LeadOps =>
    new Proxy(tx, {
      get(target, prop, receiver) {
        if (prop === 'findLeadByEmail') {
          return async (siteId: string, email: string, opts?: { lock?: boolean }) => {
            if (email.includes('explode')) {
              throw new Error(`constraint failed: email=${email} phone=${PHONE} auth="Bearer lt_sk_${'Z'.repeat(32)}"`);
            }
            return target.findLeadByEmail(siteId, email, opts);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'transaction') {
        return <T>(fn: (tx: LeadOps) => Promise<T>) => target.transaction((tx) => fn(wrapTx(tx)));
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

interface Secrets {
  emails: string[];
  keys: string[];
}

/** Sends a mix of requests carrying emails, phones and keys everywhere they can go; returns what must not be logged. */
async function traffic(url: string, secretKey: string, publishableKey: string): Promise<Secrets> {
  const n = Math.random().toString(36).slice(2, 8);
  const emails = [`jane.doe.${n}@example.com`, `explode.${n}@example.com`, `visitor.${n}@example.org`, `bad.${n}@`];
  const keys = [secretKey, publishableKey, `lt_sk_${'Q'.repeat(32)}`, `lt_pk_${'Q'.repeat(32)}`];
  const json = { 'content-type': 'application/json' };
  const asSecret = { ...json, authorization: `Bearer ${secretKey}` };
  const requests: Promise<unknown>[] = [
    send(`${url}${LEADS}/create`, {
      headers: asSecret,
      body: JSON.stringify({ name: 'Jane', email: emails[0], phone: PHONE }),
    }),
    send(`${url}${LEADS}/create`, {
      headers: asSecret,
      body: JSON.stringify({ name: 'Jane', email: emails[0], phone: PHONE }),
    }),
    send(`${url}${LEADS}/create`, {
      headers: asSecret,
      body: JSON.stringify({ name: 'Boom', email: emails[1], phone: PHONE }),
    }),
    send(`${url}${LEADS}/identify`, {
      headers: { ...json, 'x-api-key': secretKey, 'x-user-email': emails[2]!, 'x-phone': PHONE },
      body: JSON.stringify({ visitor_id: crypto.randomUUID(), email: emails[2], phone: PHONE }),
    }),
    send(`${url}${LEADS}/identify`, {
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify({ key: publishableKey, visitor_id: crypto.randomUUID(), email: emails[2], phone: PHONE }),
    }),
    send(`${url}${LEADS}/identify`, {
      headers: { 'content-type': 'text/plain', origin: 'http://evil.test' },
      body: JSON.stringify({ key: publishableKey, visitor_id: crypto.randomUUID(), email: emails[2] }),
    }),
    send(`${url}${LEADS}/update`, {
      headers: asSecret,
      body: JSON.stringify({ lead_id: 'x', email: emails[3], phone: PHONE }),
    }),
    send(`${url}${LEADS}/create`, { headers: asSecret, body: `{"email":"${emails[0]}","phone":"${PHONE}"` }),
    send(`${url}${LEADS}/get`, { headers: { ...json, authorization: `Bearer ${keys[2]}` }, body: '{}' }),
    send(`${url}${LEADS}/get`, { headers: { ...json, authorization: `Basic ${keys[2]}` }, body: '{}' }),
    send(`${url}${LEADS}/identify`, {
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify({ key: keys[3], visitor_id: crypto.randomUUID(), email: emails[2] }),
    }),
    send(`${url}${LEADS}/identify`, {
      headers: { ...json, origin: ORIGIN },
      body: JSON.stringify({ key: secretKey, visitor_id: crypto.randomUUID() }),
    }),
    // In URLs: paths and query strings.
    send(`${url}${LEADS}/${encodeURIComponent(emails[0]!)}`, { headers: asSecret, body: '{}' }),
    send(`${url}/${secretKey}`, { method: 'GET' }),
    send(`${url}/api/${encodeURIComponent(PHONE)}/x`, { method: 'GET' }),
    send(`${url}${LEADS}/get?email=${encodeURIComponent(emails[0]!)}&key=${secretKey}`, {
      headers: asSecret,
      body: '{}',
    }),
    mcpToolCall(url, secretKey, { action: 'create', name: 'Mcp', email: `mcp.${emails[0]}`, phone: PHONE }),
    mcpToolCall(url, secretKey, { action: 'create', name: 'Mcp', email: `mcp.${emails[1]}`, phone: PHONE }),
    mcpToolCall(url, publishableKey, { action: 'list', search: emails[0] }),
    mcpToolCall(url, keys[2]!, { action: 'list', search: emails[0] }),
  ];
  await Promise.all(requests);
  return { emails: [...emails, `mcp.${emails[0]}`, `mcp.${emails[1]}`], keys };
}

/** Every way the secrets could appear in text (and, in log entries, the client's address). */
function forbiddenFragments(secrets: Secrets, entries: boolean): string[] {
  return [
    ...secrets.emails,
    ...secrets.emails.map(encodeURIComponent),
    ...secrets.emails.map((e) => e.split('@')[0]!),
    ...secrets.keys,
    ...secrets.keys.map((k) => k.slice(6)),
    PHONE,
    encodeURIComponent(PHONE),
    '5550109999',
    '555) 010',
    '010-9999',
    ...(entries ? ['127.0.0.1'] : []),
  ];
}

function expectClean(text: string, secrets: Secrets, where: string, entries = true) {
  for (const fragment of forbiddenFragments(secrets, entries)) {
    expect(text.includes(fragment), `${where} holds ${fragment}`).toBe(false);
  }
}

describe('log policy', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('in process: every entry has a request id; no email, phone, key or address in any of them', async () => {
    const handle: DumpableStore = await openDumpableStore('sqlite');
    cleanups.push(() => handle.cleanup());
    const collector = await startLoggedCollector({ ...handle, store: explodingStore(handle.store) });
    cleanups.push(() => collector.close());
    const secrets = await traffic(collector.url, collector.site.secretKey, collector.site.publishableKey);

    const entries = collector.logs;
    expect(entries.length).toBeGreaterThanOrEqual(20);
    for (const entry of entries) {
      expect(entry.req_id, JSON.stringify(entry)).toMatch(/^[0-9a-f-]{36}$/);
      expectClean(JSON.stringify(entry), secrets, JSON.stringify(entry));
    }
    // The failures were logged (REST and MCP), with the driver's text scrubbed rather than dropped.
    const errors = entries.filter((e) => e.level === 'error');
    expect(errors.length).toBe(2);
    for (const e of errors) expect(e.message).toMatch(/constraint failed: email=\[email\] phone=\[number\]/);
    // Requests are logged by method, path and status.
    const statuses = new Set(entries.map((e) => e.status));
    for (const status of [201, 409, 500, 400, 401, 403, 404]) expect(statuses.has(status), String(status)).toBe(true);
  });

  it('a leadtrail serve process: JSON lines with request ids on stdout, nothing personal on stdout or stderr', async () => {
    const handle = await openDumpableStore('sqlite');
    const site = await siteOn(handle.store, [ORIGIN]);
    await handle.store.close();
    const dir = handle.db.slice(0, handle.db.lastIndexOf('/'));
    cleanups.push(async () => {
      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true, force: true });
    });
    const collector = await startLoggedProcess(handle.db);
    const secrets = await traffic(collector.url, site.secretKey, site.publishableKey);
    await collector.stop();

    const lines = collector.stdout().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(20);
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(entry.req_id, line).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.t, line).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expectClean(collector.stdout(), secrets, 'stdout');
    // stderr says where the collector listens (its own address), so only the secrets are looked for there.
    expectClean(collector.stderr(), secrets, 'stderr', false);
  });
});
