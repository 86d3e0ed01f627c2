/** Standard Webhooks signing, against the spec's published example and an HMAC computed here independently. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhook } from '../src/core/notify/standard-webhooks.ts';

// The published test vector of the reference libraries (not in spec/standard-webhooks.md itself): github.com/
// standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts ("sign function works"), the same in
// libraries/go/webhook_test.go and libraries/php/tests/WebhookTest.php.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('Standard Webhooks signatures', () => {
  it("sign the spec's example to its published signature, which verifies", () => {
    const headers = signWebhook(SECRET, ID, TIMESTAMP, BODY);
    expect(headers).toEqual({
      'webhook-id': ID,
      'webhook-timestamp': String(TIMESTAMP),
      'webhook-signature': SIGNATURE,
    });
    expect(() => verifyWebhook(SECRET, headers, BODY, TIMESTAMP + 10)).not.toThrow();
  });

  it('refuse a changed body, id or timestamp, an old timestamp, and accept one valid signature among several', () => {
    const headers = signWebhook(SECRET, ID, TIMESTAMP, BODY);
    expect(() => verifyWebhook(SECRET, headers, `${BODY} `, TIMESTAMP)).toThrow('No valid webhook signature');
    expect(() => verifyWebhook(SECRET, { ...headers, 'webhook-id': 'msg_other' }, BODY, TIMESTAMP)).toThrow();
    expect(() =>
      verifyWebhook(SECRET, { ...headers, 'webhook-timestamp': String(TIMESTAMP + 1) }, BODY, TIMESTAMP),
    ).toThrow();
    expect(() => verifyWebhook(SECRET, headers, BODY, TIMESTAMP + 301)).toThrow('outside the tolerance');
    const several = { ...headers, 'webhook-signature': `v1,bm90IGl0 v2,abc ${SIGNATURE}` };
    expect(() => verifyWebhook(SECRET, several, BODY, TIMESTAMP)).not.toThrow();
  });

  it('match an HMAC computed independently, for a fresh secret and any body', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
    const body = JSON.stringify({ type: 'lead.created', data: { name: 'Zoë', note: 'ü\n"' } });
    const own = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`msg_1.42.${body}`)
      .digest('base64');
    expect(signWebhook(secret, 'msg_1', 42, body)['webhook-signature']).toBe(`v1,${own}`);
  });

  it('refuse a secret that is not whsec_ and base64, without quoting it', () => {
    for (const bad of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_not base64!', 'whsec_abc']) {
      expect(() => signWebhook(bad, ID, TIMESTAMP, BODY)).toThrow(/^A webhook secret is/);
      try {
        signWebhook(bad, ID, TIMESTAMP, BODY);
      } catch (error) {
        if (bad.length > 6) expect((error as Error).message).not.toContain(bad.slice(6));
      }
    }
  });
});
