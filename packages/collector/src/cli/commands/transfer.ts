import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { openStore, resolveDb } from '../../store/open-store.ts';
import type { SqlLeadStore } from '../../store/sql/sql-store.ts';
import { exportSite, importSite, TransferError, type TransferLine } from '../../store/transfer/site-transfer.ts';
import { dbOption, parse, UsageError } from '../args.ts';

/** `export --site ID [--db PATH|URL]`: the site as JSON Lines on stdout. */
export async function exportCommand(args: string[]) {
  const { values } = parse(args, { ...dbOption, site: { type: 'string' } });
  if (!values.site) throw new UsageError('export needs --site ID');
  const store = (await openStore(resolveDb(values.db))) as SqlLeadStore;
  try {
    for await (const line of exportSite(store.dialect, values.site.trim())) {
      if (!process.stdout.write(`${JSON.stringify(line)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
    }
  } catch (error) {
    if (error instanceof TransferError) throw new UsageError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

async function* linesOf(input: NodeJS.ReadableStream): AsyncGenerator<TransferLine> {
  let n = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    if (!text.trim()) continue;
    try {
      yield JSON.parse(text) as TransferLine;
    } catch {
      throw new TransferError(`Line ${n} is not JSON`);
    }
  }
}

/** `import [--from FILE] [--db PATH|URL]`: a site exported by `export` (stdin when no --from). */
export async function importCommand(args: string[]) {
  const { values } = parse(args, { ...dbOption, from: { type: 'string' } });
  const store = (await openStore(resolveDb(values.db))) as SqlLeadStore;
  try {
    const input = values.from ? createReadStream(values.from) : process.stdin;
    const counts = await importSite(store.dialect, linesOf(input));
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(
      `imported ${total} rows: ${Object.entries(counts)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
  } catch (error) {
    if (error instanceof TransferError) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`There is no file ${values.from}`);
    throw error;
  } finally {
    await store.close();
  }
}
