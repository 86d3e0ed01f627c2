import { parseArgs } from 'node:util';
import { firstRunKeyLines, firstRunSite } from '../../core/sites.ts';
import { isLogFormat, jsonRequestLog, type LogFormat, logFormat, processLog, setLogFormat } from '../../process-log.ts';
import { pruneHourly, startServer, stdoutLog, stopOnSignals } from '../../server.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { errorFields } from '../../web/log.ts';
import { parseRateLimit, type RateLimit } from '../../web/rate-limit.ts';
import { dbOption, parse, UsageError } from '../args.ts';

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${value}`);
  return port;
}

/** `--ip-rate-limit 60/2` (burst/per second) or `off`; undefined when the flag is not given (the default applies). */
export function rateLimitOption(flag: string, value: string | undefined): RateLimit | null | undefined {
  if (value === undefined) return undefined;
  const limit = parseRateLimit(value);
  if (limit === null) throw new UsageError(`--${flag} must be BURST/PER_SECOND (e.g. 60/2) or off, got ${value}`);
  return limit === 'off' ? null : limit;
}

const TRUST_PROXY = '--trust-proxy';

function hopsOf(value: string): number {
  const hops = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(hops)) {
    throw new UsageError(`--trust-proxy takes the number of proxies you run in front (e.g. 1), got "${value}"`);
  }
  return hops;
}

/**
 * `--trust-proxy [N]`: how many proxies you run stand in front (a bare flag means 1; absent or 0, none). Node's
 * parseArgs has no optional values, so the flag and its number (`--trust-proxy=2` or `--trust-proxy 2`) are taken out
 * of the arguments first; the last one given counts.
 */
export function takeTrustProxy(args: string[]): { rest: string[]; hops: number } {
  const rest: string[] = [];
  let hops = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (arg.startsWith(`${TRUST_PROXY}=`)) hops = hopsOf(arg.slice(TRUST_PROXY.length + 1));
    else if (arg !== TRUST_PROXY) rest.push(arg);
    // The word after the flag is its value, unless it is another flag.
    else if (next === undefined || next.startsWith('-')) hops = 1;
    else {
      hops = hopsOf(next);
      i++;
    }
  }
  return { rest, hops };
}

/**
 * `--log-format json|text`, else LEADTRAIL_LOG_FORMAT, else text. Read ahead of the other flags (leniently), so that a
 * mistake in them is already reported in the chosen format.
 */
export function logFormatOption(args: string[], env = process.env.LEADTRAIL_LOG_FORMAT): LogFormat {
  const flag = parseArgs({ args, options: { 'log-format': { type: 'string' } }, strict: false, allowPositionals: true })
    .values['log-format'];
  const [source, value] = flag !== undefined ? ['--log-format', flag] : ['LEADTRAIL_LOG_FORMAT', env || 'text'];
  if (!isLogFormat(value)) {
    throw new UsageError(`${source} must be json or text, got ${typeof value === 'string' ? `"${value}"` : 'nothing'}`);
  }
  return value;
}

/** What a first run prints: the new site's keys (the secret key only this once) and the next steps. */
function firstRunMessage(url: string, first: NonNullable<Awaited<ReturnType<typeof firstRunSite>>>) {
  return [
    '',
    ...firstRunKeyLines(first),
    '',
    `Allow your site's pages to send leads:  leadtrail sites origins --site ${first.site.id} --origin https://www.example.com`,
    `Then paste into their <head>:  <script src="${url}/leadtrail.js" data-key="${first.publishable_key}" defer></script>`,
    `The dashboard: ${url}/ (sign in with the secret key)`,
    '',
    '',
  ].join('\n');
}

/**
 * The first run's message as one `first_run` event: the keys and the script tag as fields. Like the text, it carries
 * the secret key, shown this once, to wherever stderr goes.
 */
function firstRunEvent(url: string, first: NonNullable<Awaited<ReturnType<typeof firstRunSite>>>) {
  processLog(
    'info',
    'first_run',
    'first run, so a site was created. Its secret key is shown this once (only its hash is stored)',
    {
      site_id: first.site.id,
      secret_key: first.secret_key,
      publishable_key: first.publishable_key,
      script_tag: `<script src="${url}/leadtrail.js" data-key="${first.publishable_key}" defer></script>`,
      dashboard_url: `${url}/`,
      next_step: `leadtrail sites origins --site ${first.site.id} --origin https://www.example.com`,
    },
    firstRunMessage(url, first),
  );
}

/** In the JSON format a crash is one `fatal` line too (the error's kind and scrubbed message, and where it was thrown). */
function crashAsJson() {
  process.on('uncaughtException', (error) => {
    const stack = error instanceof Error ? error.stack?.split('\n').filter((line) => /^\s+at /.test(line)) : undefined;
    const { error: name, message } = errorFields(error);
    processLog('error', 'fatal', message, { error: name, ...(stack ? { stack: stack.map((s) => s.trim()) } : {}) });
    process.exit(1);
  });
}

export async function serveCommand(args: string[]) {
  setLogFormat(logFormatOption(args));
  if (logFormat() === 'json') crashAsJson();
  const { rest, hops } = takeTrustProxy(args);
  const { values } = parse(rest, {
    ...dbOption,
    'log-format': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'ip-rate-limit': { type: 'string' },
    'site-rate-limit': { type: 'string' },
    'key-rate-limit': { type: 'string' },
    'allow-private-webhook-targets': { type: 'boolean' },
    'public-url': { type: 'string' },
    'smtp-url': { type: 'string' },
    'smtp-from': { type: 'string' },
  });
  const smtpUrl = values['smtp-url'] ?? process.env.LEADTRAIL_SMTP_URL;
  const smtpFrom = values['smtp-from'] ?? process.env.LEADTRAIL_SMTP_FROM;
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) {
    throw new UsageError('--smtp-url (or LEADTRAIL_SMTP_URL) must be smtp://user:pass@host:port or smtps://...');
  }
  const limits = {
    ipRateLimit: rateLimitOption('ip-rate-limit', values['ip-rate-limit']),
    siteRateLimit: rateLimitOption('site-rate-limit', values['site-rate-limit']),
    keyRateLimit: rateLimitOption('key-rate-limit', values['key-rate-limit']),
  };
  const store = await openStore(resolveDb(values.db));
  const server = await startServer({
    store,
    port: parsePort(values.port, 8787),
    ...(values.host ? { host: values.host } : {}),
    trustProxy: hops,
    log: logFormat() === 'json' ? jsonRequestLog : stdoutLog,
    allowPrivateWebhookTargets: values['allow-private-webhook-targets'] === true,
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(smtpUrl ? { smtpUrl } : {}),
    ...(smtpFrom ? { smtpFrom } : {}),
    ...Object.fromEntries(Object.entries(limits).filter(([, limit]) => limit !== undefined)),
  });
  pruneHourly(store);
  stopOnSignals(server, store);
  const first = await firstRunSite(store, []);
  if (first) firstRunEvent(server.url, first);
  processLog('info', 'listening', `collector on ${server.url} (${store.kind})`, { url: server.url, store: store.kind });
}
