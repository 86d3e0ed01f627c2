/**
 * `pnpm start`: the collector on the embedded SQLite default plus the demo site on its own origin, with the
 * script tag wired to the first site's publishable key. On a first run the site's keys are printed once.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  allowOrigins,
  createApiKey,
  firstRunKeyLines,
  firstRunSite,
  isPostgresUrl,
  openStore,
  pruneHourly,
  resolveDb,
  startServer,
  stopOnSignals,
  verifyApiKey,
} from '@leadtrail/collector';
import { startDemo } from './server.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, port: { type: 'string' }, 'demo-port': { type: 'string' } },
});
const db = resolveDb(values.db);
const port = Number(values.port ?? process.env.PORT ?? 8787);
const demoPort = Number(values['demo-port'] ?? process.env.DEMO_PORT ?? 8788);
// Publishable keys are public by design (they sit in every page), so the demo may keep its own in a file.
const demoKeyFile = join(isPostgresUrl(db) ? './data' : dirname(db), 'demo-key.json');
const demoOrigins = [`http://localhost:${demoPort}`, `http://127.0.0.1:${demoPort}`];

const store = await openStore(db);
const smtpUrl = process.env.LEADTRAIL_SMTP_URL;
const collector = await startServer({ store, port, ...(smtpUrl ? { smtpUrl } : {}) });
pruneHourly(store);

const first = await firstRunSite(store, demoOrigins);
if (first) {
  process.stderr.write(
    [
      '',
      ...firstRunKeyLines(first),
      '',
      'Call the API with the secret key, for example:',
      `  curl -s ${collector.url}/api/agents/tools/leads/get -H 'Authorization: Bearer ${first.secret_key}' \\`,
      `    -H 'Content-Type: application/json' -d '{}'`,
      '',
    ].join('\n'),
  );
}

async function demoKey(): Promise<string> {
  if (first) return first.publishable_key;
  if (existsSync(demoKeyFile)) {
    const saved = JSON.parse(readFileSync(demoKeyFile, 'utf8')) as { publishable_key: string };
    const live = await verifyApiKey(store, saved.publishable_key);
    if (live) {
      await allowOrigins(store, live.site.id, demoOrigins);
      return saved.publishable_key;
    }
  }
  const [site] = await store.listSites();
  await allowOrigins(store, site!.id, demoOrigins);
  return (await createApiKey(store, site!.id, 'publishable')).key;
}
const publishableKey = await demoKey();
mkdirSync(dirname(demoKeyFile), { recursive: true });
writeFileSync(demoKeyFile, `${JSON.stringify({ publishable_key: publishableKey })}\n`);

const demo = await startDemo({ collectorUrl: collector.url, publishableKey, port: demoPort });
stopOnSignals(collector, store, demo.close);
process.stderr.write(
  `leadtrail: collector on ${collector.url} (${store.kind}, health: ${collector.url}/healthz)\n` +
    `leadtrail: demo site on ${demo.url}  <- open this, browse a few pages, then send the contact form\n`,
);
