#!/usr/bin/env node
/** The `leadtrail` command: serve, sites, keys, leads, webhooks, notify, migrate, mcp. */
import { LeadsError } from '../core/errors.ts';
import { logFormat, processLog } from '../process-log.ts';
import { UsageError } from './args.ts';
import { backupCommand, restoreCommand } from './commands/backup.ts';
import { doctorCommand } from './commands/doctor.ts';
import { keysCommand } from './commands/keys.ts';
import { leadsCommand } from './commands/leads.ts';
import { mcpCommand } from './commands/mcp.ts';
import { migrateCommand } from './commands/migrate.ts';
import { notifyCommand } from './commands/notify.ts';
import { serveCommand } from './commands/serve.ts';
import { sitesCommand } from './commands/sites.ts';
import { exportCommand, importCommand } from './commands/transfer.ts';
import { webhooksCommand } from './commands/webhooks.ts';

const USAGE = `usage: leadtrail <command>
  serve [--port 8787] [--host 127.0.0.1] [--db PATH|URL] [--trust-proxy [N]]   N proxies of yours in front (bare: 1)
        [--ip-rate-limit 60/2] [--site-rate-limit 1000/200] [--key-rate-limit 1000/200]   BURST/PER_SECOND or off
        [--allow-private-webhook-targets] [--public-url URL]   webhooks to your own network; the dashboard's address
        [--smtp-url smtp[s]://user:pass@host:port] [--smtp-from ADDRESS]   mail server (also LEADTRAIL_SMTP_URL)
        [--log-format text|json]   json: every line on stdout and stderr is a JSON object (also LEADTRAIL_LOG_FORMAT)
  sites create --name NAME [--origin URL ...] [--json]
  sites list [--json]
  sites origins --site ID [--origin URL ...]   set the origins allowed to send from browsers
  sites password --site ID [--password-stdin|--clear]   dashboard owner password, read from stdin
  keys create --site ID [--kind secret|publishable] [--json]
  keys list --site ID [--json]
  keys revoke KEY_ID
  leads export --site ID (--email E | --lead ID)   a person's data as JSON (privacy access request)
  leads delete --site ID (--email E | --lead ID) [--json]   erase a lead and everything about it
  webhooks add --site ID --url URL [--event TYPE ...] [--format standard|slack] [--json]   prints the secret once
  webhooks list --site ID [--json]
  webhooks remove WEBHOOK_ID                  a webhook or an email recipient
  notify email --site ID --to ADDRESS [--event TYPE ...] [--json]   mail new leads (or the events given) there
  migrate [--db PATH|URL]
  doctor [--db PATH|URL]                      what is wrong with this setup (exit 1 when something is)
  backup --out FILE [--db PATH|URL]           a consistent copy while collectors run (Postgres: pg_dump)
  restore --from FILE [--db PATH|URL] [--replace]   stop the collectors first (Postgres: pg_restore)
  export --site ID [--db PATH|URL]            the site as JSON Lines on stdout (SQLite and Postgres alike)
  import [--from FILE] [--db PATH|URL]        a site from export (stdin without --from); one transaction
  mcp --key lt_sk_... [--db PATH|URL]         the leads tool over MCP stdio (key also from LEADTRAIL_KEY)
The database is --db, else DATABASE_URL, else ./data/leadtrail.db.`;

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  serve: serveCommand,
  sites: sitesCommand,
  keys: keysCommand,
  leads: leadsCommand,
  webhooks: webhooksCommand,
  notify: notifyCommand,
  migrate: migrateCommand,
  doctor: doctorCommand,
  backup: backupCommand,
  restore: restoreCommand,
  export: exportCommand,
  import: importCommand,
  mcp: mcpCommand,
};

async function main(argv: string[]) {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  await command(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // `serve --log-format json`: the error is one JSON line too (the usage is left out).
  if (logFormat() === 'json') {
    const usage = error instanceof UsageError;
    processLog('error', usage ? 'usage_error' : 'fatal', error instanceof Error ? error.message : String(error));
    process.exit(usage ? 2 : 1);
  }
  if (error instanceof UsageError) {
    process.stderr.write(`leadtrail: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const message = error instanceof LeadsError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`leadtrail: ${message}\n`);
  process.exit(1);
});
