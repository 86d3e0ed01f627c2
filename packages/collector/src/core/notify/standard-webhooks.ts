/**
 * Standard Webhooks signatures (standardwebhooks.com): each delivery carries `webhook-id` (the same on every
 * retry), `webhook-timestamp` (seconds) and `webhook-signature`, `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`
 * keyed with the bytes of the endpoint's `whsec_` secret. A receiver checks it with any of the spec's libraries.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes (shown to the owner once). */
export const newWebhookSecret = () => PREFIX + randomBytes(32).toString('base64');

/** The key bytes of a `whsec_` secret; an error (that never quotes the secret) for anything else. */
function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new Error('A webhook secret is "whsec_" followed by base64');
  }
  return Buffer.from(encoded, 'base64');
}

const signature = (key: Buffer, id: string, timestamp: string, body: string) =>
  createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');

/** The headers of one attempt of a delivery. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string) {
  const timestamp = String(Math.floor(timestampSeconds));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature(keyOf(secret), id, timestamp, body)}`,
  };
}

/**
 * Checks a delivery as a receiver does: a `v1` signature among the space-separated ones matches (compared in
 * constant time), and the timestamp is within `toleranceSeconds` of now (a replay of an old delivery is refused).
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | undefined>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): void {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) throw new Error('Missing webhook headers');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
    throw new Error('Webhook timestamp outside the tolerance');
  }
  const expected = Buffer.from(signature(keyOf(secret), id, timestamp, body));
  const matches = signatures.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    const given = Buffer.from(value ?? '');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new Error('No valid webhook signature');
}
