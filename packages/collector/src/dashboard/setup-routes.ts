/** The setup page and its changes: allowed origins, creating and revoking keys. */
import type { Hono } from 'hono';
import { createApiKey } from '../auth/keys.ts';
import { normalizeOrigin } from '../auth/origins.ts';
import type { KeyKind } from '../store/lead-store.ts';
import { clearSessionCookie, type DashContext, type DashEnv, type Deps, formText } from './context.ts';
import { requireOwner } from './guard.ts';
import { type SetupPageData, setupPage } from './pages/setup.ts';
import { publicOrigin } from './security.ts';

const MAX_ORIGINS = 100;

const DONE: Record<string, string> = {
  origins: 'Allowed origins saved.',
  revoked: 'Key revoked.',
};

/** The textarea's lines as origins; the lines that are not http(s) origins are named. */
export function parseOriginLines(text: string): { origins: string[]; invalid: string[] } {
  const origins: string[] = [];
  const invalid: string[] = [];
  for (const line of text.split(/[\r\n,]+/)) {
    const value = line.trim();
    if (!value) continue;
    const origin = normalizeOrigin(value);
    if (origin) {
      if (!origins.includes(origin)) origins.push(origin);
    } else invalid.push(value);
  }
  return { origins, invalid };
}

export function setupRoutes(app: Hono<DashEnv>, deps: Deps) {
  const guard = requireOwner(deps);
  const { store } = deps.options;

  async function render(c: DashContext, extra: Partial<SetupPageData> = {}, status: 200 | 201 | 400 | 409 = 200) {
    const owner = c.get('owner');
    const [keys, password] = await Promise.all([
      store.listApiKeys(owner.site.id),
      store.getOwnerPassword(owner.site.id),
    ]);
    const data: SetupPageData = {
      owner,
      keys,
      hasPassword: password !== null,
      collectorOrigin: publicOrigin(c, deps.options.trustProxy),
      ...extra,
    };
    return c.html(setupPage(data), status);
  }

  app.get('/setup', guard, (c) => render(c, { info: DONE[c.req.query('done') ?? ''] ?? null }));

  app.post('/setup/origins', guard, async (c) => {
    const text = formText(c.get('form'), 'origins');
    const { origins, invalid } = parseOriginLines(text);
    if (invalid.length || origins.length > MAX_ORIGINS) {
      const error = invalid.length
        ? `Not an http(s) origin: ${invalid.slice(0, 5).join(', ')}. Nothing was saved.`
        : `At most ${MAX_ORIGINS} origins. Nothing was saved.`;
      return render(c, { error, draftOrigins: text }, 400);
    }
    await store.setSiteOrigins(c.get('owner').site.id, origins);
    return c.redirect('/setup?done=origins', 303);
  });

  app.post('/setup/keys', guard, async (c) => {
    const kind = formText(c.get('form'), 'kind') as KeyKind;
    if (kind !== 'secret' && kind !== 'publishable') {
      return render(c, { error: 'Choose a secret or a publishable key.' }, 400);
    }
    const { key } = await createApiKey(store, c.get('owner').site.id, kind);
    // The page answering the POST is the only place the key is ever shown (it is stored hashed).
    return render(c, { created: { key, kind } }, 201);
  });

  app.post('/setup/keys/:id/revoke', guard, async (c) => {
    const owner = c.get('owner');
    const id = c.req.param('id');
    const keys = await store.listApiKeys(owner.site.id);
    const key = keys.find((k) => k.id === id);
    if (!key || key.revoked_at) return render(c, { error: 'This site has no such live key.' }, 400);
    const liveSecrets = keys.filter((k) => k.kind === 'secret' && !k.revoked_at);
    if (key.kind === 'secret' && liveSecrets.length === 1) {
      return render(c, { error: 'This is the site’s last secret key. Create another secret key first.' }, 409);
    }
    await store.revokeApiKey(key.id, deps.now().toISOString());
    if (owner.claims.method === 'key' && owner.claims.ref === key.id) {
      // The session stood on this key: it ends with it.
      clearSessionCookie(c, deps);
      return c.redirect('/login?out', 303);
    }
    return c.redirect('/setup?done=revoked', 303);
  });
}
