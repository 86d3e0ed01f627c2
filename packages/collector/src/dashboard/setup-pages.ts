/** The setup page and its changes: allowed origins, creating and revoking keys. All rules are the core's. */
import { isUuid } from '@leadtrail/protocol';
import { Hono } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { createKey, hasOwnerPassword, listKeys, revokeKey, scriptTagKey, setOrigins } from '../core/sites.ts';
import type { KeyKind } from '../store/lead-store.ts';
import { clearSessionCookie, type DashContext, type DashEnv, type Deps, formText } from './context.ts';
import { requireOwner } from './guard.ts';
import { type SetupPageData, setupPage } from './pages/setup.ts';
import { publicOrigin } from './security.ts';

const DONE: Record<string, string> = {
  origins: 'Allowed origins saved.',
  revoked: 'Key revoked.',
  publishable: 'Publishable key created: the script tag above carries it.',
};

/** A refusal of the core as a sentence for the page; anything else is not ours to explain. */
function refusal(error: unknown): { message: string; status: 400 | 409 } | null {
  if (!(error instanceof LeadsError)) return null;
  if (error.code === 'invalid_input') {
    const issues = error.extra.issues ?? [];
    return { message: `${issues.map((i) => i.message).join('; ') || error.message}. Nothing was saved.`, status: 400 };
  }
  if (error.code === 'not_found') return { message: 'This site has no such live key.', status: 400 };
  if (error.code === 'last_secret_key') return { message: error.message, status: 409 };
  return null;
}

export function setupPagesApp(deps: Deps) {
  const app = new Hono<DashEnv>();
  const guard = requireOwner(deps);
  const { store } = deps.options;

  async function render(c: DashContext, extra: Partial<SetupPageData> = {}, status: 200 | 201 | 400 | 409 = 200) {
    const owner = c.get('owner');
    const [keys, hasPassword, tagKey] = await Promise.all([
      listKeys(store, owner.site.id),
      hasOwnerPassword(store, owner.site.id),
      scriptTagKey(store, owner.site.id),
    ]);
    const data: SetupPageData = {
      owner,
      keys,
      hasPassword,
      tagKey,
      newKeyId: crypto.randomUUID(),
      collectorOrigin: publicOrigin(c, deps.options.trustProxy),
      ...extra,
    };
    return c.html(setupPage(data), status);
  }

  app.get('/setup', guard, (c) => render(c, { info: DONE[c.req.query('done') ?? ''] ?? null }));

  app.post('/setup/origins', guard, async (c) => {
    const text = formText(c.get('form'), 'origins');
    try {
      await setOrigins(store, c.get('owner').site.id, [text]);
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return render(c, { error: refused.message, draftOrigins: text }, refused.status);
    }
    return c.redirect('/setup?done=origins', 303);
  });

  app.post('/setup/keys', guard, async (c) => {
    const kind = formText(c.get('form'), 'kind') as KeyKind;
    if (kind !== 'secret' && kind !== 'publishable') {
      return render(c, { error: 'Choose a secret or a publishable key.' }, 400);
    }
    // The form's own id becomes the key's: sending it again (a reload of the answer) creates no second key.
    const id = formText(c.get('form'), 'request').toLowerCase();
    if (!isUuid(id)) return render(c, { error: 'The form is out of date: reload the page.' }, 400);
    const siteId = c.get('owner').site.id;
    const earlier = await store.findApiKey(id);
    if (earlier) {
      if (earlier.site_id !== siteId) return render(c, { error: 'The form is out of date: reload the page.' }, 400);
      if (earlier.kind === 'publishable') return c.redirect('/setup?done=publishable#snippet-h', 303);
      return render(c, {
        info: `This form created the secret key ${earlier.prefix}… already. Its full value was shown once, on the answer to that form, and is not kept: if you did not copy it, revoke it and create another.`,
      });
    }
    const { key } = await createKey(store, siteId, kind, id);
    if (kind === 'publishable') return c.redirect('/setup?done=publishable#snippet-h', 303);
    // The page answering the POST is the only place a secret key is ever shown (it is stored hashed).
    return render(c, { created: { key, kind } }, 201);
  });

  app.post('/setup/keys/:id/revoke', guard, async (c) => {
    const owner = c.get('owner');
    let revoked: Awaited<ReturnType<typeof revokeKey>>;
    try {
      revoked = await revokeKey(store, c.req.param('id'), { siteId: owner.site.id });
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return render(c, { error: refused.message }, refused.status);
    }
    if (owner.claims.method === 'key' && owner.claims.ref === revoked.id) {
      // The session stood on this key: it ends with it.
      clearSessionCookie(c, deps);
      return c.redirect('/login?out', 303);
    }
    return c.redirect('/setup?done=revoked', 303);
  });
  return app;
}
