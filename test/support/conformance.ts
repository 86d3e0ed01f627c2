/**
 * Runs a conformance suite once per store: SQLite always, Postgres when LEADTRAIL_TEST_DATABASE_URL is set
 * (otherwise reported as skipped). Each store gets a real collector on a real port.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { startTestCollector, type TestCollector } from './collector.ts';
import { STORE_KINDS, type StoreHandle } from './stores.ts';

export interface ConformanceEnv {
  api: TestCollector;
  handle: StoreHandle;
}

export function describeEachStore(title: string, body: (env: () => ConformanceEnv) => void) {
  for (const kind of STORE_KINDS) {
    describe.skipIf(!kind.available)(`${title} [${kind.name}]`, () => {
      let env: ConformanceEnv | undefined;
      beforeAll(async () => {
        const handle = await kind.open();
        env = { handle, api: await startTestCollector(handle.store) };
      });
      afterAll(async () => {
        await env?.api.close();
        await env?.handle.cleanup();
      });
      body(() => {
        if (!env) throw new Error('store not opened');
        return env;
      });
    });
  }
}

let counter = 0;
/** A unique email per call, so cases sharing a site never collide. */
export const uniqueEmail = (label = 'lead') => `${label}.${Date.now().toString(36)}.${counter++}@example.com`;
export const uuid = () => crypto.randomUUID();
