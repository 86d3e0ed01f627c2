/**
 * Closing a SQLite store resolves in a process with nothing else to do: a script that opens the store, lets the
 * checkpoint worker start, closes the store and goes on (a benchmark, a one-shot command) reaches its next line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const OPEN_STORE = fileURLToPath(new URL('../src/store/open-store.ts', import.meta.url));

it('a script awaiting the store’s close goes on once the checkpoint worker has stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadtrail-close-'));
  try {
    const script = join(dir, 'close.mts');
    writeFileSync(
      script,
      `import { openStore } from ${JSON.stringify(OPEN_STORE)};
const store = await openStore(${JSON.stringify(join(dir, 'leadtrail.db'))});
// The checkpoint worker starts a second after the store opens.
await new Promise((resolve) => setTimeout(resolve, 1500));
await store.close();
console.log('closed');
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 });
    expect(stdout.trim()).toBe('closed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
