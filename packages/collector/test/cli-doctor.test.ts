/**
 * `leadtrail doctor` names what is wrong with a setup, with what to do, and exits 1; with nothing wrong it says so and
 * exits 0: no site, a site allowing no origin, no live publishable key, a webhook turned off or failing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@leadtrail/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/processes.ts';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadtrail-doctor-'));
  db = join(dir, 'leadtrail.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('leadtrail doctor', { timeout: 60_000 }, () => {
  it('names each problem with its fix, and says when there is none', async () => {
    const empty = await runCli(['doctor', '--db', db]);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain('problem: there is no site');

    const site = JSON.parse((await runCli(['sites', 'create', '--name', 'Shop', '--db', db, '--json'])).stdout);
    const noOrigin = await runCli(['doctor', '--db', db]);
    expect(noOrigin.code).toBe(1);
    expect(noOrigin.stdout).toContain(
      `allows no origin, so no page can send it a lead: leadtrail sites origins --site ${site.site_id}`,
    );

    await runCli(['sites', 'origins', '--site', site.site_id, '--origin', 'https://shop.example', '--db', db]);
    const added = JSON.parse(
      (
        await runCli([
          'webhooks',
          'add',
          '--site',
          site.site_id,
          '--url',
          'https://crm.example/hooks',
          '--db',
          db,
          '--json',
        ])
      ).stdout,
    );
    expect(await runCli(['doctor', '--db', db])).toMatchObject({
      code: 0,
      stdout: 'leadtrail doctor: nothing wrong found (sqlite)\n',
    });

    const store = await openStore(db);
    const publishable = (await store.listApiKeys(site.site_id)).find((k) => k.kind === 'publishable')!;
    await store.revokeApiKey(publishable.id, new Date().toISOString());
    await store.disableWebhookEndpoint(added.webhook_id, 'the endpoint answered 410 Gone', new Date().toISOString());
    await store.close();
    const broken = await runCli(['doctor', '--db', db]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('has no live publishable key for its script tag');
    expect(broken.stdout).toContain('standard endpoint https://crm.example/hooks of site');
    expect(broken.stdout).toContain('is turned off (the endpoint answered 410 Gone)');
    expect(broken.stdout).not.toContain('allows no origin');
  });
});
