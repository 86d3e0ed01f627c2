/** `pnpm start`: the collector on the embedded default; on a first run, a site whose keys are printed once. */
import { createSiteWithKeys } from '../../auth/keys.ts';
import { startServer } from '../../server.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse } from '../args.ts';
import { parsePort, pruneReceiptsDaily, stopOnSignals } from './serve.ts';

export async function startCommand(args: string[]) {
  const { values } = parse(args, { ...dbOption, port: { type: 'string' } });
  const store = await openStore(resolveDb(values.db));
  const server = await startServer({ store, port: parsePort(values.port, 8787) });
  pruneReceiptsDaily(store);
  stopOnSignals(server, store);

  if ((await store.listSites()).length === 0) {
    const created = await createSiteWithKeys(store, 'My site', []);
    process.stderr.write(
      [
        '',
        'leadtrail: first run, created a site. Its keys are shown this once (they are stored hashed):',
        `  site id          ${created.site.id}`,
        `  secret key       ${created.secret_key}`,
        `  publishable key  ${created.publishable_key}`,
        '',
        'Try it:',
        `  curl -s ${server.url}/api/agents/tools/leads/create -H 'Authorization: Bearer ${created.secret_key}' \\`,
        `    -H 'Content-Type: application/json' -d '{"name":"Jane Smith","email":"jane@example.com"}'`,
        '',
      ].join('\n'),
    );
  }
  process.stderr.write(`leadtrail: collector on ${server.url} (${store.kind}); health: ${server.url}/healthz\n`);
}
