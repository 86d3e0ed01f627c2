/**
 * Makes the README's screenshots of the dashboard: `npx tsx test/e2e/screenshots.ts`.
 * A world (collector, demo site) with realistic leads: one made by a real form submission on the demo site from two
 * devices (the journey shown), the others through identify with pages, spread over the last weeks. Then Chromium
 * signs in and saves packages/collector/docs/screenshots/leads.png and journey.png, the same two pages at a phone's
 * width (leads-phone.png, journey-phone.png), and the notifications page (notifications.png).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ActionContext, runLeadsAction } from '@leadtrail/collector';
import { launchBrowser } from '../support/browser.ts';
import { startWorld } from './harness.ts';

const OUT = fileURLToPath(new URL('../../packages/collector/docs/screenshots/', import.meta.url));
const DAY = 86_400_000;

const PEOPLE: [string, string, string, string][] = [
  ['Margaret Hamilton', 'margaret@apollo.example', 'Apollo Guidance', 'qualified'],
  ['Alan Turing', 'alan@bletchley.example', 'Bletchley Park', 'contacted'],
  ['Katherine Johnson', 'katherine@langley.example', 'Langley Research', 'converted'],
  ['Edsger Dijkstra', 'edsger@eindhoven.example', 'THE Systems', 'new'],
  ['Barbara Liskov', 'barbara@clu.example', 'CLU Labs', 'qualified'],
  ['Dennis Ritchie', 'dmr@bell.example', 'Bell Labs', 'contacted'],
  ['Frances Allen', 'fran@ptran.example', 'PTRAN Compilers', 'new'],
  ['John McCarthy', 'jmc@lisp.example', 'Lisp Machines', 'lost'],
  ['Radia Perlman', 'radia@spanning.example', 'Spanning Tree Co', 'new'],
  ['Ken Thompson', 'ken@unix.example', 'Unix Systems', 'converted'],
  ['Hedy Lamarr', 'hedy@hopping.example', 'Frequency Hopping', 'contacted'],
  ['Donald Knuth', 'don@tex.example', 'TeX Users', 'new'],
  ['Shafi Goldwasser', 'shafi@zk.example', 'Zero Knowledge', 'qualified'],
  ['Tim Berners-Lee', 'tim@cern.example', 'CERN Web', 'new'],
  ['Adele Goldberg', 'adele@smalltalk.example', 'ParcPlace', 'lost'],
  ['Leslie Lamport', 'leslie@paxos.example', 'Paxos Partners', 'contacted'],
  ['Sophie Wilson', 'sophie@arm.example', 'Acorn RISC', 'new'],
  ['Vint Cerf', 'vint@tcp.example', 'Internetworking', 'qualified'],
  ['Jean Sammet', 'jean@cobol.example', 'FORMAC', 'new'],
  ['Bjarne Stroustrup', 'bjarne@cpp.example', 'C with Classes', 'contacted'],
];

const PAGES: [string, string][] = [
  ['/', 'Northwind Analytics: dashboards your team will read'],
  ['/pricing', 'Pricing | Northwind Analytics'],
  ['/about', 'About | Northwind Analytics'],
  ['/app/', 'Product tour | Northwind Analytics'],
  ['/app/connect', 'Connect | Product tour | Northwind Analytics'],
  ['/contact', 'Contact sales | Northwind Analytics'],
];

async function main() {
  mkdirSync(OUT, { recursive: true });
  const world = await startWorld();
  const site = (await world.handle.store.getSite(world.site.siteId))!;
  try {
    // Leads of the last weeks, through the core with the clock moved back (identify, with their pages).
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (const [i, [name, email, company, status]] of PEOPLE.entries()) {
      const at = Date.now() - Math.floor(random() * 27 + 1) * DAY - Math.floor(random() * 8) * 3_600_000;
      const ctx: ActionContext = {
        store: world.handle.store,
        siteId: site.id,
        ownerUserId: site.owner_user_id,
        keyKind: 'secret',
        now: () => new Date(at),
      };
      const count = 2 + (i % 4);
      const pages = PAGES.slice(0, count - 1)
        .concat([PAGES[5]!])
        .map(([path, title], n) => ({ path, title, at: new Date(at - (count - n) * 95_000).toISOString() }));
      const result = await runLeadsAction(ctx, {
        action: 'identify',
        visitor_id: crypto.randomUUID(),
        name,
        email,
        company,
        origin: i % 4 === 3 ? 'referral' : 'website',
        pages_visited: pages,
        touches: [
          {
            url: [
              '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
              '/pricing?gclid=Cj0KCQ',
              '/blog/dashboards',
              '/',
            ][i % 4]!,
            ...(i % 4 === 2 ? { referrer: 'https://www.google.com/' } : {}),
            at: new Date(at - count * 95_000).toISOString(),
          },
        ],
        time_spent: 40 + Math.floor(random() * 400),
        visit_count: 1 + (i % 3),
      });
      const lead = (result.body as unknown as { lead: { id: string } }).lead;
      if (status !== 'new') {
        const later: ActionContext = { ...ctx, now: () => new Date(at + DAY / 2) };
        await runLeadsAction(later, { action: 'qualify', lead_id: lead.id, status });
      }
    }

    // The lead of the journey screenshot: a real visitor on the demo site, on a laptop, then on a phone.
    const devices = async () => {
      const found = (await world.api('get', { search: 'grace@navy.example' })).body.data.leads[0];
      return found ? ((await world.api('get', { lead_id: found.id })).body.data.visitors as unknown[]).length : 0;
    };
    const visit = async (paths: string[], expectedDevices: number) => {
      const device = await launchBrowser();
      const tab = await device.newPage();
      for (const path of paths) {
        await tab.goto(`${world.demoUrl}${path}`);
        await tab.waitForTimeout(2500);
      }
      await tab.goto(`${world.demoUrl}/contact`);
      await tab.fill('input[name=name]', 'Grace Hopper');
      await tab.fill('input[name=email]', 'grace@navy.example');
      await tab.fill('input[name=company]', 'US Navy');
      await tab.fill('textarea[name=message]', 'We need dashboards for 40 analysts. Can we see a demo next week?');
      await Promise.all([tab.waitForURL('**/thanks'), tab.click('button[type=submit]')]);
      // The browser stays open until the collector has the form (the tracker retries by itself).
      for (let i = 0; (await devices()) < expectedDevices; i++) {
        if (i > 120) throw new Error('the form never reached the collector');
        await tab.waitForTimeout(250);
      }
      await device.close();
    };
    await visit(['/', '/pricing', '/about'], 1);
    await visit(['/app/', '/app/connect', '/pricing'], 2);

    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${world.collectorUrl}/login`);
    await page.fill('#key', world.site.secretKey);
    await Promise.all([page.waitForURL('**/leads'), page.click('#key-login button[type=submit]')]);
    await page.screenshot({ path: `${OUT}leads.png`, fullPage: true });

    await page.click('a.lead-name:has-text("Grace Hopper")');
    await page.waitForURL('**/leads/*');
    await Promise.all([page.waitForURL(/done=status/), page.click('button:has-text("Qualify")')]);
    await page.screenshot({ path: `${OUT}journey.png`, fullPage: true });
    const leadUrl = page.url().replace(/\?.*$/, '');

    await page.goto(`${world.collectorUrl}/setup/notifications`);
    await page.screenshot({ path: `${OUT}notifications.png`, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${world.collectorUrl}/leads`);
    await page.screenshot({ path: `${OUT}leads-phone.png`, fullPage: true });
    await page.goto(leadUrl);
    await page.screenshot({ path: `${OUT}journey-phone.png`, fullPage: true });
    if (browser.pageErrors.length) throw new Error(`page errors: ${browser.pageErrors.join('; ')}`);
    await browser.close();
    process.stdout.write(`screenshots in ${OUT}\n`);
  } finally {
    await world.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
