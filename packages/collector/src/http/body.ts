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
 * A body cut short: the rest is not read, and the connection is closed after the answer so the client cannot keep
 * streaming into it (Node would otherwise read and discard the remainder to reuse the connection).
 */
function refuseOversized(c: Context, limit: number): never {
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
        incoming.pause();
        try {
          refuseOversized(c, limit);
        } catch (error) {
          reject(error);
        }
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

/** Reads at most `limit` bytes; a larger body is refused without reading the rest. */
async function readBytes(c: Context, limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > limit) refuseOversized(c, limit);
  const incoming = nodeRequest(c);
  if (incoming) return readIncoming(c, incoming, limit);
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      refuseOversized(c, limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function readJsonBody(c: Context, limit: number): Promise<{ value: unknown; bytes: number }> {
  const bytes = await readBytes(c, limit);
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
