/** Request bodies: the content type decides what is accepted, a byte cap bounds what is read, UTF-8 is checked. */
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

/** Reads at most `limit` bytes; a larger body is refused without reading the rest. */
async function readBytes(c: Context, limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
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
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readJsonBody(c: Context, limit: number): Promise<{ value: unknown; bytes: number }> {
  const bytes = await readBytes(c, limit);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new LeadsError('invalid_json', 'The body is not valid UTF-8');
  }
  if (!text.trim()) throw new LeadsError('invalid_json', 'The body is empty; send a JSON object');
  try {
    return { value: JSON.parse(text), bytes: bytes.byteLength };
  } catch {
    throw new LeadsError('invalid_json', 'The body is not valid JSON');
  }
}
