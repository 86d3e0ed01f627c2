/**
 * Postgres backups through PostgreSQL's own tools: `pg_dump --format=custom` of leadtrail's schema (the one the URL's
 * search path or the server's default names), `pg_restore --clean` back into it. pg_dump takes one consistent
 * snapshot while collectors keep writing. The tools must be on PATH (Debian: postgresql-client), in the server's major
 * version or newer.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import pg from 'pg';
import { BackupError } from './sqlite-backup.ts';

/** The schema leadtrail's tables live in on this connection. */
async function schemaOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
    const schema = rows[0]?.schema;
    if (!schema) throw new BackupError('The connection has no current schema to back up');
    return schema;
  } finally {
    await client.end();
  }
}

/** The URL as libpq reads it: query values percent-encoded (libpq takes a `+` literally, node-postgres as a space). */
function libpqUrl(url: string): string {
  const parsed = new URL(url);
  parsed.search = [...parsed.searchParams]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return parsed.toString();
}

function run(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new BackupError(`${tool} is not installed: install the PostgreSQL client tools (Debian: postgresql-client)`)
          : error,
      ),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${tool} failed (${code}): ${err.trim().split('\n').at(-1)}`)),
    );
  });
}

export async function backupPostgres(url: string, out: string): Promise<{ schema: string }> {
  if (existsSync(out)) throw new BackupError(`${out} exists already: back up to a new file`);
  const schema = await schemaOf(url);
  try {
    await run('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${out}`, `--dbname=${libpqUrl(url)}`]);
  } catch (error) {
    rmSync(out, { force: true });
    throw error;
  }
  return { schema };
}

/** Restores a pg_dump backup over the schema it came from (its tables are dropped and made again). */
export async function restorePostgres(from: string, url: string): Promise<void> {
  if (!existsSync(from)) throw new BackupError(`There is no backup at ${from}`);
  await run('pg_restore', [
    '--clean',
    '--if-exists',
    '--no-owner',
    '--single-transaction',
    `--dbname=${libpqUrl(url)}`,
    from,
  ]);
}
