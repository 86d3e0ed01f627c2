/** Request bodies: the content type decides what is accepted, a byte cap bounds what is read, UTF-8 is checked. */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { LeadsError } from '../core/errors.ts';

export type BodyKind = 'json' | 'text';

export function bodyKindOf(c: Context): BodyKind | null {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'text/plain') return 'text';
  return null;
}

const tooLarge = (limit: number) =>
  new LeadsError('payload_too_large', `The body is larger than ${Math.round(limit / 1024)} KB`);

/**
 * How much of an oversized body is read (and thrown away) before the 413 is sent. A client such as Node's fetch
 * writes its whole body before it reads the answer: a connection closed on unread bytes resets, and it sees a broken
 * pipe instead of the 413. Past this bound the answer goes out at once, whatever the client then sees.
 */
const DISCARD_BYTES = 16 * 1024 * 1024;

/** The body length the request declares; NaN when it declares none (chunked). */
export const declaredLength = (c: Context) => Number(c.req.header('content-length') ?? Number.NaN);

/**
 * Reads the rest of a body without keeping it, until it ends or `DISCARD_BYTES` have gone by in all (`read` were
 * read before). Resolves true when the body ended within that bound.
 */
function discardIncoming(incoming: IncomingMessage, read = 0): Promise<boolean> {
  return new Promise((resolve) => {
    let size = read;
    if (incoming.readableEnded || size > DISCARD_BYTES) {
      resolve(incoming.readableEnded);
      return;
    }
    const finish = (ended: boolean) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onFail);
      incoming.off('close', onFail);
      if (!ended) incoming.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > DISCARD_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onFail);
    incoming.on('close', onFail);
    incoming.resume();
  });
}

/** `discardIncoming` for a web stream (a request that did not come straight from Node's server). */
async function discardStream(reader: ReadableStreamDefaultReader<Uint8Array>, read: number): Promise<void> {
  let size = read;
  while (size <= DISCARD_BYTES) {
    const { done, value } = await reader.read();
    if (done) return;
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
}

/**
 * Refuses an oversized body once `discarding` (the rest of it read and thrown away) is over, so that the client is
 * reading when the answer comes. The connection is closed after it: past the bound the rest is never read.
 */
async function refuseOversized(c: Context, limit: number, discarding: Promise<unknown> | null): Promise<never> {
  await discarding;
  c.header('Connection', 'close');
  throw tooLarge(limit);
}

/** Under @hono/node-server the Node request is at hand: reading it directly skips building a web Request and stream. */
function nodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && typeof incoming.on === 'function' && !incoming.readableDidRead ? incoming : undefined;
}

function readIncoming(c: Context, incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        done();
        chunks.length = 0;
        refuseOversized(c, limit, discardIncoming(incoming, size)).catch(reject);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = () => {
      done();
      reject(new LeadsError('invalid_json', 'The body could not be read'));
    };
    const onClose = () => {
      done();
      if (incoming.readableEnded) resolve(Buffer.concat(chunks, size));
      else reject(new LeadsError('invalid_json', 'The body ended before it was complete'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

async function readStream(c: Context, stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) return refuseOversized(c, limit, discardStream(reader, size));
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads at most `limit` bytes. A larger body is refused with 413 `payload_too_large` after reading and discarding
 * the rest (up to `DISCARD_BYTES`; a body declared larger than that is refused without reading it).
 */
export async function readBodyBytes(c: Context, limit: number): Promise<Uint8Array> {
  const incoming = nodeRequest(c);
  const stream = incoming ? null : c.req.raw.body;
  const declared = declaredLength(c);
  if (declared > DISCARD_BYTES) return refuseOversized(c, limit, null);
  if (declared > limit) {
    return refuseOversized(
      c,
      limit,
      incoming ? discardIncoming(incoming) : stream && discardStream(stream.getReader(), 0),
    );
  }
  if (incoming) return readIncoming(c, incoming, limit);
  return stream ? readStream(c, stream, limit) : new Uint8Array();
}

export async function readJsonBody(c: Context, limit: number): Promise<{ value: unknown; bytes: number }> {
  const bytes = await readBodyBytes(c, limit);
  if (!isUtf8(bytes)) throw new LeadsError('invalid_json', 'The body is not valid UTF-8');
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // A byte order mark is not part of the JSON text (TextDecoder drops it too).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trim()) throw new LeadsError('invalid_json', 'The body is empty; send a JSON object');
  try {
    return { value: JSON.parse(text), bytes: bytes.byteLength };
  } catch {
    throw new LeadsError('invalid_json', 'The body is not valid JSON');
  }
}
