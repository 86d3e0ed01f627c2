import { readFileSync } from 'node:fs';
import { CHANNELS, type Channel } from '@leadtrail/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNEL_LABELS, CHANNEL_RULES, classify, parseTouch } from '../src/core/attribution/channel.ts';

const AT = '2026-03-01T10:00:00.000Z';
const touch = (path: string, referrer?: string, siteHosts?: readonly string[]) =>
  parseTouch({ url: path, ...(referrer === undefined ? {} : { referrer }), at: AT }, siteHosts);

/**
 * Cases by the row they must stop at, named by the start of its sentence. Each is picked so that without its row
 * (or with the row moved after the next one that also matches) it would land in another channel.
 */
const CASES: [row: string, path: string, referrer: string, channel: Channel, source: string | null][] = [
  ['UTM: medium is email', '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring', '', 'email', 'newsletter'],
  ['UTM: medium is email', '/?utm_source=weekly-email&utm_medium=cpc', '', 'email', 'weekly-email'],
  ['UTM: medium is email', '/?utm_source=facebook&utm_medium=E-Mail', '', 'email', 'facebook'],
  ['UTM: medium is email', '/?utm_source=partner-newsletter&utm_medium=affiliate', '', 'email', 'partner-newsletter'],
  ['UTM: medium mentions affiliate', '/?utm_source=partnerstack&utm_medium=affiliate', '', 'affiliate', 'partnerstack'],
  ['UTM: medium mentions affiliate', '/?utm_source=acme&utm_medium=affiliate_cpa', '', 'affiliate', 'acme'],
  ['UTM: medium is display', '/?utm_source=dv360&utm_medium=cpm', '', 'display', 'dv360'],
  ['UTM: medium is display', '/?utm_source=facebook&utm_medium=banner', '', 'display', 'facebook'],
  ['UTM: medium is display', '/?utm_source=facebook&utm_medium=cpm', '', 'display', 'facebook'],
  ['UTM: no medium, and a search ad', '/?utm_source=google&gclid=Cj0K', '', 'paid_search', 'google'],
  ['UTM: no medium, and a search ad', '/?utm_source=bing&msclkid=9f', '', 'paid_search', 'bing'],
  ['UTM: no medium, and a social ad', '/?utm_source=tiktok&ttclid=E.C', '', 'paid_social', 'tiktok'],
  ['UTM: a paid medium', '/?utm_source=facebook&utm_medium=cpc', '', 'paid_social', 'facebook'],
  ['UTM: a paid medium', '/?utm_source=LinkedIn&utm_medium=ppc', '', 'paid_social', 'LinkedIn'],
  ['UTM: a paid medium', '/?utm_source=acme&utm_medium=paid_social', '', 'paid_social', 'acme'],
  ['UTM: a paid medium', '/?fbclid=IwAR1&utm_source=fb&utm_medium=paid_social', '', 'paid_social', 'fb'],
  ['UTM: any other paid medium', '/?utm_source=google&utm_medium=cpc', '', 'paid_search', 'google'],
  ['UTM: any other paid medium', '/?utm_source=acme&utm_medium=paidsearch', '', 'paid_search', 'acme'],
  ['UTM: any other paid medium', '/?utm_source=chatgpt&utm_medium=ads', '', 'paid_search', 'chatgpt'],
  ['UTM: the source is an AI assistant', '/pricing?utm_source=chatgpt.com', '', 'ai_assistant', 'chatgpt.com'],
  ['UTM: the source is an AI assistant', '/?utm_source=gemini.google.com', '', 'ai_assistant', 'gemini.google.com'],
  ['UTM: the source is an AI assistant', '/?utm_source=claude&utm_medium=social', '', 'ai_assistant', 'claude'],
  ['UTM: medium is social', '/?utm_source=linkedin', '', 'organic_social', 'linkedin'],
  ['UTM: medium is social', '/?utm_source=acme&utm_medium=social-media', '', 'organic_social', 'acme'],
  ['UTM: medium is social', '/?utm_source=x&utm_medium=organic', '', 'organic_social', 'x'],
  ['UTM: medium is social', '/?utm_source=google&utm_medium=social', '', 'organic_social', 'google'],
  ['UTM: medium is organic', '/?utm_source=google', '', 'organic_search', 'google'],
  ['UTM: medium is organic', '/?utm_source=www.Bing.com', '', 'organic_search', 'www.Bing.com'],
  ['UTM: medium is organic', '/?utm_source=acme&utm_medium=organic', '', 'organic_search', 'acme'],
  ['UTM: medium is referral', '/?utm_source=partner.example&utm_medium=referral', '', 'referral', 'partner.example'],
  ['UTM: medium is referral', '/?utm_source=google&utm_medium=referral', '', 'referral', 'google'],
  ['UTM: tagged', '/?utm_campaign=launch', '', 'other_campaign', null],
  ['UTM: tagged', '/?utm_source=google&utm_medium=tv', '', 'other_campaign', 'google'],
  ['UTM: tagged', '/?utm_content=hero&fbclid=abc', 'https://www.google.com/', 'other_campaign', 'facebook'],
  [
    'UTM: no medium, and a search ad',
    '/?utm_content=hero&gclid=abc',
    'https://www.google.com/',
    'paid_search',
    'google',
  ],
  ['Click id: gclid', '/?gclid=abc', '', 'paid_search', 'google'],
  ['Click id: gclid', '/?MSCLKID=1', 'https://www.bing.com/', 'paid_search', 'microsoft'],
  ['Click id: gclid', '/?fbclid=1&wbraid=2', '', 'paid_search', 'google'],
  ['Click id: dclid', '/?dclid=1', '', 'display', 'google'],
  ['Click id: dclid', '/?dclid=1', 'https://www.google.com/', 'display', 'google'],
  ['Click id: ttclid', '/?ttclid=1', '', 'paid_social', 'tiktok'],
  ['Click id: ttclid', '/?ScCid=1', '', 'paid_social', 'snapchat'],
  ['Click id: ttclid', '/?li_fat_id=1', 'https://www.linkedin.com/', 'paid_social', 'linkedin'],
  ['Click id: mc_cid', '/?mc_cid=abc&mc_eid=def', '', 'email', 'mailchimp'],
  ['Click id: fbclid', '/?fbclid=IwAR1', '', 'organic_social', 'facebook'],
  ['Click id: fbclid', '/?igshid=1', '', 'organic_social', 'instagram'],
  ['Click id: fbclid', '/?fbclid=1', 'https://chatgpt.com/', 'organic_social', 'facebook'],
  ['Referrer: an AI assistant', '/', 'https://gemini.google.com/app', 'ai_assistant', 'gemini.google.com'],
  ['Referrer: an AI assistant', '/', 'https://chatgpt.com/', 'ai_assistant', 'chatgpt.com'],
  ['Referrer: a webmail site', '/', 'https://mail.google.com/mail/u/0/', 'email', 'mail.google.com'],
  ['Referrer: a webmail site', '/', 'https://webmail.example.net/', 'email', 'webmail.example.net'],
  ['Referrer: a search engine', '/', 'https://www.google.co.uk/', 'organic_search', 'google.co.uk'],
  ['Referrer: a search engine', '/', 'https://duckduckgo.com/', 'organic_search', 'duckduckgo.com'],
  ['Referrer: a search engine', '/', 'https://yandex.ru/search', 'organic_search', 'yandex.ru'],
  ['Referrer: a social network', '/', 'https://l.facebook.com/l.php?u=x', 'organic_social', 'l.facebook.com'],
  ['Referrer: a social network', '/', 'https://t.co/abc', 'organic_social', 't.co'],
  ['Referrer: a social network', '/', 'https://uk.pinterest.co.uk/pin/1', 'organic_social', 'uk.pinterest.co.uk'],
  ['Referrer: any other site', '/', 'https://www.example.org/blog/post?x=1', 'referral', 'example.org'],
  ['Referrer: any other site', '/', 'https://notgoogle.com/', 'referral', 'notgoogle.com'],
  ['Referrer: any other site', '/', 'https://at.co/', 'referral', 'at.co'],
  ['Nothing', '/', '', 'direct', null],
  ['Nothing', '/pricing?plan=pro', '', 'direct', null],
];

const rowIndex = (start: string) => CHANNEL_RULES.findIndex((r) => r.rule.startsWith(start));

describe('the channel rule table', () => {
  it.each(CASES)('%s: %s from "%s" → %s', (row, path, referrer, channel, source) => {
    expect(CHANNEL_RULES[rowIndex(row)]?.channel).toBe(channel);
    const parsed = touch(path, referrer);
    expect(parsed.channel).toBe(channel);
    expect(parsed.source).toBe(source);
  });

  it('has cases for every row, each named by one row only', () => {
    for (const [row] of CASES) expect(CHANNEL_RULES.filter((r) => r.rule.startsWith(row))).toHaveLength(1);
    const covered = new Set(CASES.map(([row]) => rowIndex(row)));
    expect([...CHANNEL_RULES.keys()].filter((i) => !covered.has(i))).toEqual([]);
  });

  it('names every channel, in rows that read as sentences, and ends with direct', () => {
    expect(new Set(CHANNEL_RULES.map((r) => r.channel))).toEqual(new Set(CHANNELS));
    for (const { channel, rule } of CHANNEL_RULES) {
      expect(CHANNELS).toContain(channel);
      expect(rule).toMatch(/^[A-Z].{10,}\.$/);
    }
    expect(CHANNEL_RULES.at(-1)?.channel).toBe('direct');
    expect(CHANNEL_RULES.find((r) => r.rule.includes('fbclid'))?.rule).toMatch(/organic posts included/);
  });

  it('has a dashboard label for every channel', () => {
    expect(Object.keys(CHANNEL_LABELS).sort()).toEqual([...CHANNELS].sort());
    expect(CHANNEL_LABELS.ai_assistant).toBe('AI assistants');
    expect(CHANNEL_LABELS.other_campaign).toBe('Other campaigns');
  });

  it('classifies parts given in any case, and only known click ids', () => {
    const none = {
      referrer_host: null,
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      utm_term: null,
      utm_content: null,
      click_id_kind: null,
      click_id: null,
    };
    expect(classify(none)).toBe('direct');
    expect(classify({ ...none, referrer_host: 'WWW.Google.DE' })).toBe('organic_search');
    expect(classify({ ...none, utm_source: 'Google', utm_medium: 'CPC' })).toBe('paid_search');
    expect(classify({ ...none, click_id_kind: 'GCLID', click_id: 'x' })).toBe('paid_search');
    expect(classify({ ...none, click_id_kind: 'constructor', click_id: 'x' })).toBe('direct');
    expect(classify({ ...none, utm_term: '  ' })).toBe('direct');
  });
});

describe('parseTouch', () => {
  it('keeps the UTM tags and click id, and takes them off the landing page, leaving other parameters in order', () => {
    const parsed = touch(
      '/pricing?plan=pro&UTM_Source=Newsletter&utm_MEDIUM=email&b=2&GCLID=abc&utm_id=9&ScCid=s&_gl=1&c=3&utm_campaign=spring&utm_term=crm&utm_content=hero',
    );
    expect(parsed).toEqual({
      landing_page: '/pricing?plan=pro&b=2&c=3',
      referrer: null,
      referrer_host: null,
      utm_source: 'Newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_term: 'crm',
      utm_content: 'hero',
      click_id_kind: 'gclid',
      click_id: 'abc',
      channel: 'email',
      source: 'Newsletter',
      at: AT,
    });
    expect(touch('/a?utm_source=x&fbclid=y').landing_page).toBe('/a');
    expect(touch('/s?q=a+b&x=%2F&&y').landing_page).toBe('/s?q=a+b&x=%2F&y');
  });

  it('takes the first click id in priority order when a URL carries several', () => {
    expect(touch('/?fbclid=1&gclid=2')).toMatchObject({
      click_id_kind: 'gclid',
      click_id: '2',
      channel: 'paid_search',
    });
    expect(touch('/?dclid=1&gclid=2')).toMatchObject({ click_id_kind: 'gclid', channel: 'paid_search' });
    expect(touch('/?ttclid=1&fbclid=2')).toMatchObject({ click_id_kind: 'fbclid', channel: 'organic_social' });
    expect(touch('/?igshid=1&mc_cid=2')).toMatchObject({
      click_id_kind: 'mc_cid',
      source: 'mailchimp',
      channel: 'email',
    });
  });

  it('takes a full URL as the landing page, keeping its path and query', () => {
    const parsed = touch('https://shop.example.com/p/1?x=1&utm_source=y#top');
    expect(parsed.landing_page).toBe('/p/1?x=1');
    expect(parsed.utm_source).toBe('y');
    expect(touch('HTTPS://Example.com').landing_page).toBe('/');
  });

  it('drops the hash, and keeps a path as a path', () => {
    expect(touch('/docs#install').landing_page).toBe('/docs');
    expect(touch('/docs?a=1#b?utm_source=x').landing_page).toBe('/docs?a=1');
    expect(touch('pricing?x=1').landing_page).toBe('/pricing?x=1');
    expect(touch('//evil.example/x').landing_page).toBe('//evil.example/x');
  });

  it('keeps the origin and path of a referrer, never its query or hash', () => {
    const parsed = touch('/', 'https://WWW.Example.org:8443/a/b?q=secret#frag');
    expect(parsed.referrer).toBe('https://www.example.org:8443/a/b');
    expect(parsed.referrer_host).toBe('example.org');
    expect(touch('/', 'news.ycombinator.com/item').referrer).toBe('https://news.ycombinator.com/item');
    expect(touch('/', 'android-app://com.google.android.gm/').referrer_host).toBe('com.google.android.gm');
  });

  it('treats a referrer from the site itself as none', () => {
    for (const referrer of ['https://example.com/pricing', 'https://www.example.com/', 'http://EXAMPLE.com:8080/']) {
      const parsed = touch('/x', referrer, ['example.com']);
      expect(parsed).toMatchObject({ referrer: null, referrer_host: null, channel: 'direct', source: null });
    }
    expect(touch('https://shop.example.com/x', 'https://shop.example.com/y')).toMatchObject({
      referrer: null,
      channel: 'direct',
    });
    expect(touch('https://shop.example.com/x', 'https://blog.example.com/')).toMatchObject({
      referrer_host: 'blog.example.com',
      channel: 'referral',
    });
    expect(touch('/x?utm_source=google', 'https://example.com/', ['example.com']).channel).toBe('organic_search');
  });

  it('trims values, takes the first one given, and cuts them to 200 characters', () => {
    const parsed = touch(`/?utm_source=%20%20x%20&utm_medium=&utm_medium=email&utm_campaign=${'a'.repeat(500)}`);
    expect(parsed.utm_source).toBe('x');
    expect(parsed.utm_medium).toBe('email');
    expect(parsed.utm_campaign).toBe('a'.repeat(200));
    expect(touch('/?utm_source=%20').utm_source).toBeNull();
    expect(touch(`/?gclid=${'g'.repeat(300)}`).click_id).toHaveLength(200);
    expect(touch('/?gclid=&fbclid=f').click_id_kind).toBe('fbclid');
    expect(touch('  /a  ', '   ')).toMatchObject({ landing_page: '/a', referrer: null, channel: 'direct' });
  });

  it('reads unicode', () => {
    const parsed = touch('/café?q=ü&utm_source=Ünïcode', 'https://bücher.example/seite');
    expect(parsed.landing_page).toBe('/caf%C3%A9?q=%C3%BC');
    expect(parsed.utm_source).toBe('Ünïcode');
    expect(parsed.referrer_host).toBe('xn--bcher-kva.example');
  });

  it('never throws on malformed input, giving nulls for what cannot be read', () => {
    const odd = ['::::', '', 'http://', 'https://', 'x'.repeat(10_000), '%', '%zz=1&utm_source=%E0%A4%A', '\uD800'];
    odd.push('https://[::1', 'javascript:alert(1)', ' \n\t ', 'http://exa mple.com/', '?'.repeat(10_000), '日本語');
    for (const path of odd) {
      for (const referrer of odd) {
        const parsed = touch(path, referrer);
        expect(parsed.landing_page.startsWith('/')).toBe(true);
        expect(parsed.landing_page.length).toBeLessThanOrEqual(2048);
        expect(CHANNELS).toContain(parsed.channel);
      }
    }
    for (const referrer of ['::::', '', 'http://', 'https://[::1', 'javascript:alert(1)']) {
      expect(touch('/', referrer)).toMatchObject({ referrer: null, referrer_host: null, channel: 'direct' });
    }
    expect(touch('http://').landing_page).toBe('/');
    expect(touch('x'.repeat(10_000), `https://${'a'.repeat(10_000)}.com/`).referrer?.length).toBeLessThanOrEqual(2048);
  });

  it('never throws on any string, and keeps its promises', () => {
    const names = fc.constantFrom('utm_source', 'UTM_Medium', 'utm_x', 'gclid', 'FBCLID', 'ScCid', 'a', '', '%');
    const query = fc.array(fc.tuple(names, fc.string()), { maxLength: 6 });
    const url = fc
      .tuple(fc.constantFrom('', 'https://www.google.com', 'http://a.b:8080', '//x'), fc.string(), query, fc.string())
      .map(([origin, path, params, hash]) => `${origin}/${path}?${params.map((p) => p.join('=')).join('&')}#${hash}`);
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), url);
    fc.assert(
      fc.property(text, text, fc.array(fc.string()), (path, referrer, hosts) => {
        const parsed = parseTouch({ url: path, referrer, at: AT }, hosts);
        expect(parsed.landing_page.startsWith('/')).toBe(true);
        expect(parsed.at).toBe(AT);
        for (const value of [parsed.utm_source, parsed.utm_campaign, parsed.click_id]) {
          if (value !== null) expect(value.length).toBeLessThanOrEqual(200);
        }
        expect(parsed.referrer === null).toBe(parsed.referrer_host === null);
        const left = [...new URL(`http://x.invalid${parsed.landing_page}`).searchParams.keys()];
        expect(left.filter((name) => /^(utm_.*|gclid|fbclid|sccid)$/i.test(name))).toEqual([]);
      }),
    );
  });
});

describe('the API reference', () => {
  it('lists the channel rules exactly as the table runs them, in order', () => {
    const doc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) \| `(\w+)` \| (.+) \|$/gm)].map(([, n, channel, rule]) => ({
      n: Number(n),
      channel,
      rule,
    }));
    expect(rows).toEqual(CHANNEL_RULES.map((row, i) => ({ n: i + 1, ...row })));
  });
});
