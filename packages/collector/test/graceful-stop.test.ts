/**
 * A graceful stop at the HTTP level, on a raw socket so the test decides exactly when each byte arrives: a request
 * in flight when the stop begins is finished (and told to close its connection); a request that arrives during the
 * stop on a connection the client kept open is not run.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEADS, startTestCollector, type TestCollector } from '../../../test/support/collector.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';

let handle: StoreHandle;
let collector: TestCollector;

beforeEach(async () => {
  handle = await openSqliteTestStore();
  collector = await startTestCollector(handle.store);
});
afterEach(async () => {
  await collector.close();
  await handle.cleanup();
});

const request = (port: string, key: string, body: string, bodyPart = body) =>
  `POST ${LEADS}/create HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
  `authorization: Bearer ${key}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${bodyPart}`;

/** Everything the server sends on `socket` until it closes the connection. */
const readAll = (socket: Socket) =>
  new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('close', () => resolve(text));
  });

describe('graceful stop', () => {
  it('finishes the request in flight with Connection: close, and does not run one that arrives after', async () => {
    const { port } = new URL(collector.url);
    const first = JSON.stringify({ name: 'In Flight', email: 'in.flight@stop.test' });
    const late = JSON.stringify({ name: 'Too Late', email: 'too.late@stop.test' });
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const answers = readAll(socket);
    // The first request's headers and half its body are in: it is in flight when the stop begins.
    socket.write(request(port, collector.site.secretKey, first, first.slice(0, 10)));
    await new Promise((r) => setTimeout(r, 100));
    const stopped = collector.close();
    await new Promise((r) => setTimeout(r, 100));
    // The rest of its body, and a second request pipelined right behind it on the same connection.
    socket.write(first.slice(10) + request(port, collector.site.secretKey, late));
    const text = await answers;
    await stopped;

    const [head] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 201/);
    expect(head).toMatch(/\r\nconnection: close/i);
    // The late request was answered 503 or not at all (the connection closed first): never run.
    expect(text).not.toMatch(/HTTP\/1\.1 20\d[\s\S]*HTTP\/1\.1 20\d/);
    const stored = await handle.store.listLeads(collector.site.siteId, {
      sort_by: 'created_at',
      sort_order: 'asc',
      limit: 10,
      offset: 0,
    });
    expect(stored.leads.map((l) => l.email)).toEqual(['in.flight@stop.test']);
  });
});
