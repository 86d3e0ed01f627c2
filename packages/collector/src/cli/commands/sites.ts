import { parseOrigins as parseOriginValues } from '../../core/origins.ts';
import { passwordProblem } from '../../core/owner-password.ts';
import { createSiteWithKeys, getSite, listSites, setOrigins, setOwnerPassword } from '../../core/sites.ts';
import type { LeadStore } from '../../store/lead-store.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

/** The --origin values; one that is not an http(s) URL is a usage error, named. */
export function parseOrigins(values: string[] | undefined): string[] {
  const { origins, invalid } = parseOriginValues(values ?? []);
  if (invalid.length) throw new UsageError(`--origin must be an http(s) URL, got ${invalid[0]}`);
  return origins;
}

export async function sitesCommand(args: string[]) {
  const [sub, ...rest] = args;
  const { values } = parse(rest, {
    ...dbOption,
    name: { type: 'string' },
    origin: { type: 'string', multiple: true },
    site: { type: 'string' },
    json: { type: 'boolean' },
    'password-stdin': { type: 'boolean' },
    clear: { type: 'boolean' },
  });
  const store = await openStore(resolveDb(values.db));
  try {
    if (sub === 'create') {
      if (!values.name?.trim()) throw new UsageError('sites create needs --name');
      const created = await createSiteWithKeys(store, values.name.trim(), parseOrigins(values.origin));
      const keys = {
        site_id: created.site.id,
        secret_key: created.secret_key,
        publishable_key: created.publishable_key,
      };
      if (values.json) console.log(JSON.stringify(keys));
      else {
        console.log(`site ${keys.site_id} (${created.site.name})`);
        console.log(`secret key:      ${keys.secret_key}   (server side only; shown once)`);
        console.log(`publishable key: ${keys.publishable_key}   (for the script tag)`);
      }
    } else if (sub === 'list') {
      const sites = await listSites(store);
      if (values.json) console.log(JSON.stringify(sites));
      else for (const s of sites) console.log(`${s.id}  ${s.name}  ${s.allowed_origins.join(' ') || '(no origins)'}`);
    } else if (sub === 'origins') {
      if (!values.site) throw new UsageError('sites origins needs --site ID and the --origin values to allow');
      if (!(await getSite(store, values.site))) throw new UsageError(`no site ${values.site}`);
      const origins = await setOrigins(store, values.site, parseOrigins(values.origin));
      console.log(`site ${values.site} allows: ${origins.join(' ') || '(no origins)'}`);
    } else if (sub === 'password') {
      await passwordCommand(store, values.site, {
        clear: values.clear ?? false,
        stdin: values['password-stdin'] ?? false,
      });
    } else {
      throw new UsageError('sites create|list|origins|password');
    }
  } finally {
    await store.close();
  }
}

/**
 * `sites password --site ID`: sets the owner password of the dashboard, read from stdin (a pipe, or typed twice
 * without echo at a terminal) so it never shows in the process list or the shell history. `--clear` removes it.
 */
async function passwordCommand(store: LeadStore, siteId: string | undefined, opts: { clear: boolean; stdin: boolean }) {
  if (!siteId) throw new UsageError('sites password needs --site ID');
  if (!(await getSite(store, siteId))) throw new UsageError(`no site ${siteId}`);
  if (opts.clear) {
    await setOwnerPassword(store, siteId, null);
    console.log(`site ${siteId}: owner password removed, its sessions ended (sign in with a secret key)`);
    return;
  }
  let password: string;
  if (process.stdin.isTTY && !opts.stdin) {
    password = await promptHidden('New owner password: ');
    if ((await promptHidden('Again: ')) !== password) throw new UsageError('the two passwords differ; nothing changed');
  } else {
    password = (await readStdin()).replace(/\r?\n$/, '');
  }
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(`the password ${problem}; nothing changed`);
  await setOwnerPassword(store, siteId, password);
  console.log(
    `site ${siteId}: owner password set (sessions opened with the old one ended); ` +
      "sign in at the collector's / with the site id and this password",
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line at the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the question shows, so nothing typed at once is echoed.
  stdin.setRawMode(true);
  process.stderr.write(question);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new UsageError('cancelled; nothing changed'));
          return;
        }
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on('data', onData);
  });
}
