/**
 * Keys on both stores: a publishable key is kept whole (public by design, so the setup page can show a working tag),
 * a secret key never is (only its hash: the database itself refuses a secret key's token), a key made with a given
 * id is made once, and every key is still found by its hash alone.
 */
import { verifyApiKey } from '@leadtrail/collector';
import { expect, it } from 'vitest';
import { createKey, listKeys, scriptTagKey } from '../../packages/collector/src/core/sites.ts';
import { describeEachStore, uuid } from '../support/conformance.ts';

describeEachStore('keys', (env) => {
  it('keeps publishable keys whole and secret keys as hashes only', async () => {
    const { api, handle } = env();
    const siteId = api.site.siteId;
    const secret = await createKey(handle.store, siteId, 'secret');
    const publishable = await createKey(handle.store, siteId, 'publishable');
    const keys = await listKeys(handle.store, siteId);
    expect(keys.find((k) => k.id === secret.record.id)?.token).toBeNull();
    expect(keys.find((k) => k.id === publishable.record.id)?.token).toBe(publishable.key);
    expect(JSON.stringify(keys)).not.toContain(secret.key);
    // The newest live publishable key is the tag's; revoked, the one before it is.
    expect(await scriptTagKey(handle.store, siteId)).toBe(publishable.key);
    await handle.store.revokeApiKey(publishable.record.id, new Date().toISOString());
    expect(await scriptTagKey(handle.store, siteId)).toBe(api.site.publishableKey);
    // Found by hash, as before.
    expect((await verifyApiKey(handle.store, secret.key))?.key.id).toBe(secret.record.id);
    expect(await verifyApiKey(handle.store, publishable.key)).toBeNull();
  });

  it('refuses a secret key with a token in the database itself', async () => {
    const { api, handle } = env();
    await expect(
      handle.store.createApiKey({
        id: uuid(),
        site_id: api.site.siteId,
        kind: 'secret',
        prefix: 'lt_sk_abcdef',
        hash: 'f'.repeat(64),
        token: 'lt_sk_abcdefghijklmnopqrstuvwxyz',
        created_at: new Date().toISOString(),
        revoked_at: null,
      }),
    ).rejects.toThrow();
    expect((await listKeys(handle.store, api.site.siteId)).some((k) => k.prefix === 'lt_sk_abcdef')).toBe(false);
  });

  it('makes a key with a given id once', async () => {
    const { api, handle } = env();
    const id = uuid();
    await createKey(handle.store, api.site.siteId, 'secret', id);
    await expect(createKey(handle.store, api.site.siteId, 'secret', id)).rejects.toThrow();
    expect((await listKeys(handle.store, api.site.siteId)).filter((k) => k.id === id)).toHaveLength(1);
  });
});
