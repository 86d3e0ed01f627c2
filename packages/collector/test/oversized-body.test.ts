/**
 * An oversized body gets a readable 413 over real HTTP: Node's fetch (undici) sending 10 MB, with a Content-Length
 * or chunked, reads the answer instead of failing with a broken pipe, on the API, on /mcp and on a dashboard form;
 * and the collector keeps answering. The collector is a `leadtrail serve` process of its own: in one process the
 * client's writes and the server's close take turns on one event loop, which hides the reset a real client meets.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, LEADS, type TestSite } from '../../../test/support/collector.ts';
import { type LoggedProcess, startLoggedProcess } from '../../../test/support/processes.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';

let handle: StoreHandle;
let collector: LoggedProcess;
let site: TestSite;

beforeAll(async () => {
  handle = await openSqliteTestStore();
  site = await createTestSite(handle.store);
  collector = await startLoggedProcess(handle.db, [], { keepLog: false });
});
afterAll(async () => {
  await collector?.stop();
  await handle?.cleanup();
});

/** Each case is sent this many times: a reset is a race the client loses only some of the time. */
const TRIES = 4;

/** A JSON object of 10 MB: one long string field. */
const TEN_MB_JSON = JSON.stringify({ notes: 'x'.repeat(10 * 1024 * 1024) });

/** With a Content-Length, or chunked (a stream body: no length is known). */
const KINDS = ['declared', 'chunked'] as const;

/** `text` sent in 64 KB chunks with no Content-Length (Transfer-Encoding: chunked). */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
}

interface Body {
  kind: (typeof KINDS)[number];
  text: string;
}

/** POSTs with Node's global fetch; a thrown fetch error fails the test with its cause. */
async function post(path: string, body: Body, headers: Record<string, string>) {
  const response = await fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers,
    redirect: 'manual',
    ...(body.kind === 'declared' ? { body: body.text } : { body: chunked(body.text), duplex: 'half' }),
  } as RequestInit);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The answers to `TRIES` sends of one request, one after the other. */
async function postEach(path: string, body: Body, headers: Record<string, string>) {
  const answers: Awaited<ReturnType<typeof post>>[] = [];
  for (let i = 0; i < TRIES; i++) answers.push(await post(path, body, headers));
  return answers;
}

async function expectStillAnswering() {
  const health = await fetch(`${collector.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true });
}

describe('a 10 MB body', () => {
  const auth = () => ({ 'content-type': 'application/json', authorization: `Bearer ${site.secretKey}` });

  for (const kind of KINDS) {
    const body = { kind, text: TEN_MB_JSON };
    it(`${body.kind}, to the API: 413 payload_too_large, then the collector answers the next request`, async () => {
      for (const answer of await postEach(`${LEADS}/get`, body, auth())) {
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.text)).toMatchObject({ success: false, error: { code: 'payload_too_large' } });
        expect(answer.headers.get('connection')).toBe('close');
      }
      await expectStillAnswering();
    });

    it(`${body.kind}, to /mcp: a 413 JSON-RPC error, then the collector answers the next request`, async () => {
      for (const answer of await postEach('/mcp', body, { ...auth(), accept: 'application/json, text/event-stream' })) {
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.text)).toMatchObject({ jsonrpc: '2.0', error: { message: /larger than/ } });
      }
      await expectStillAnswering();
    });
  }
});

describe('a body declared past the 16 MiB bound', () => {
  it('is refused at once, before its body is sent, and the connection is closed', async () => {
    const { hostname, port } = new URL(collector.url);
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // The headers and a few bytes of a 20 MiB body; the rest never comes, yet the answer does.
    socket.write(
      `POST ${LEADS}/get HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n` +
        `authorization: Bearer ${site.secretKey}\r\ncontent-length: ${20 * 1024 * 1024}\r\n\r\n{"notes":"`,
    );
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"payload_too_large"');
    await expectStillAnswering();
  });
});

describe('a 1 MB dashboard form', () => {
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const text = `method=key&key=${'k'.repeat(1024 * 1024)}`;

  for (const kind of KINDS) {
    it(`${kind}: the 413 page, then the collector answers the next request`, async () => {
      for (const answer of await postEach('/login', { kind, text }, FORM)) {
        expect(answer.status).toBe(413);
        expect(answer.headers.get('content-type')).toContain('text/html');
        expect(answer.text).toContain('That form is too large to save.');
        expect(answer.headers.get('connection')).toBe('close');
      }
      await expectStillAnswering();
    });
  }

  it('within the limit and chunked, still reaches its handler', async () => {
    const answer = await post('/login', { kind: 'chunked', text: `method=key&key=${site.secretKey}` }, FORM);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('set-cookie')).toMatch(/^lt_session=/);
  });
});
