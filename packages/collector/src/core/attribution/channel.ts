/**
 * How a visitor arrived: one raw touch parsed into landing page, referrer, UTM tags and click id, then classified
 * into a marketing channel. Modeled on Google Analytics 4's default channel group: UTM tags first (the site owner
 * set them on purpose), then ad-platform click ids, then the referrer's host. Pure, and never throws.
 */
import type { Channel, TouchDetails, TouchInput } from '@leadtrail/protocol';

/** Human labels for the dashboard. */
export const CHANNEL_LABELS: Record<Channel, string> = {
  direct: 'Direct',
  organic_search: 'Organic search',
  paid_search: 'Paid search',
  organic_social: 'Organic social',
  paid_social: 'Paid social',
  email: 'Email',
  referral: 'Referral',
  ai_assistant: 'AI assistants',
  display: 'Display',
  affiliate: 'Affiliate',
  other_campaign: 'Other campaigns',
};

type Parts = Omit<TouchDetails, 'channel' | 'source' | 'landing_page' | 'at' | 'referrer'>;

/** Tags and click ids are labels, not documents. */
const MAX_VALUE = 200;
/** Longer than any real page address, short enough that one touch cannot bloat the store. */
const MAX_URL = 2048;
/** A host that can never be real: a path parsed against it keeps only its own path and query. */
const DUMMY_ORIGIN = 'http://x.invalid';

const UTM_FIELDS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

/** Click ids (lower-case) and the platform each names, in priority order for a URL that carries several. */
const CLICK_IDS = Object.entries({
  gclid: 'google',
  gbraid: 'google',
  wbraid: 'google',
  dclid: 'google',
  msclkid: 'microsoft',
  fbclid: 'facebook',
  ttclid: 'tiktok',
  li_fat_id: 'linkedin',
  twclid: 'twitter',
  sccid: 'snapchat',
  epik: 'pinterest',
  yclid: 'yandex',
  mc_cid: 'mailchimp',
  igshid: 'instagram',
});
/** Stripped from the landing page like click ids, though they name no channel: a subscriber id, GA's linker. */
const NOISE = new Set(['mc_eid', '_ga', '_gl', ...CLICK_IDS.map(([kind]) => kind)]);

/** Hosts ("x.*" = any label x followed by a TLD, e.g. google.co.uk) and utm_source names of one kind of source. */
interface SourceKind {
  hosts: readonly string[];
  names: readonly string[];
}
const words = (text: string) => text.split(/\s+/).filter(Boolean);
const AI: SourceKind = {
  hosts: words(`chatgpt.com chat.openai.com openai.com perplexity.ai gemini.google.com bard.google.com
    copilot.microsoft.com claude.ai you.com phind.com chat.deepseek.com meta.ai poe.com`),
  names: words('chatgpt.com chatgpt openai perplexity gemini copilot claude'),
};
const SEARCH: SourceKind = {
  hosts: words(`google.* bing.* yahoo.* yandex.* duckduckgo.com baidu.com ecosia.org search.brave.com qwant.com
    startpage.com naver.com seznam.cz ask.com`),
  names: words('google bing duckduckgo yahoo yandex baidu ecosia brave'),
};
const SOCIAL: SourceKind = {
  hosts: words(`facebook.com fb.com instagram.com linkedin.com lnkd.in t.co twitter.com x.com reddit.com youtube.com
    youtu.be tiktok.com pinterest.* threads.net bsky.app news.ycombinator.com quora.com snapchat.com vk.com
    whatsapp.com telegram.org t.me discord.com mastodon.social`),
  names: words(
    'facebook fb instagram ig linkedin twitter x reddit youtube tiktok pinterest threads bluesky snapchat whatsapp',
  ),
};
const WEBMAIL: SourceKind = {
  hosts: words(`mail.google.com outlook.live.com outlook.office.com outlook.office365.com mail.yahoo.com mail.proton.me
    webmail.*`),
  names: [],
};

/** Equal to a domain or a subdomain of it; "x.*" matches a label x anywhere but last. */
function hostIn(host: string, domains: readonly string[]): boolean {
  return domains.some((d) =>
    d.endsWith('.*') ? `.${host}`.includes(`.${d.slice(0, -1)}`) : host === d || host.endsWith(`.${d}`),
  );
}
const sourceIs = (source: string, kind: SourceKind) => kind.names.includes(source) || hostIn(source, kind.hosts);

/** What the rules look at, lower-cased; '' for absent. */
interface Facts {
  utm: boolean;
  source: string;
  medium: string;
  click: string;
  host: string;
}
const PAID = /^(.*cp.*|ppc|retargeting|paid.*|ads?)$/;
const PAID_SEARCH_CLICKS = ['gclid', 'gbraid', 'wbraid', 'msclkid', 'yclid'];
const PAID_SOCIAL_CLICKS = ['ttclid', 'li_fat_id', 'twclid', 'sccid', 'epik'];

interface Row {
  channel: Channel;
  rule: string;
  when: (f: Facts) => boolean;
}
const utm = (channel: Channel, rule: string, when: (f: Facts) => boolean): Row => ({
  channel,
  rule: `UTM: ${rule}.`,
  when: (f) => f.utm && when(f),
});
// No UTM check needed below: the last UTM row takes every tagged touch.
const click = (channel: Channel, kinds: readonly string[], rule: string): Row => ({
  channel,
  rule: `Click id: ${rule}.`,
  when: (f) => kinds.includes(f.click),
});
const referrer = (channel: Channel, kind: SourceKind | null, rule: string): Row => ({
  channel,
  rule: `Referrer: ${rule}.`,
  when: (f) => f.host !== '' && (!kind || hostIn(f.host, kind.hosts)),
});

/** Evaluated in order; the first match wins. */
const ROWS: readonly Row[] = [
  utm(
    'email',
    'medium is email, e-mail or newsletter, or the source mentions email or newsletter',
    (f) => /^(e-?mail|newsletter)$/.test(f.medium) || /e-?mail|newsletter/.test(f.source),
  ),
  utm('affiliate', 'medium mentions affiliate', (f) => f.medium.includes('affiliate')),
  utm('display', 'medium is display, banner, cpm, expandable or interstitial', (f) =>
    /^(display|banner|cpm|expandable|interstitial)$/.test(f.medium),
  ),
  utm(
    'paid_search',
    "no medium, and a search ad's click id (gclid, gbraid, wbraid, msclkid, yclid): the ad platform's auto-tagging beside a hand-set utm_source",
    (f) => f.medium === '' && PAID_SEARCH_CLICKS.includes(f.click),
  ),
  utm(
    'paid_social',
    "no medium, and a social ad's click id (ttclid, li_fat_id, twclid, sccid, epik)",
    (f) => f.medium === '' && PAID_SOCIAL_CLICKS.includes(f.click),
  ),
  utm(
    'paid_social',
    'a paid medium (cpc, ppc, retargeting, paid…, ad, ads, anything with "cp") from a social source, or one that mentions social (paid_social)',
    (f) => PAID.test(f.medium) && (sourceIs(f.source, SOCIAL) || f.medium.includes('social')),
  ),
  utm(
    'paid_search',
    'any other paid medium (GA4 files paid media from unknown sources under "paid other"; we count them as paid search)',
    (f) => PAID.test(f.medium),
  ),
  utm('ai_assistant', 'the source is an AI assistant (ChatGPT tags its links utm_source=chatgpt.com)', (f) =>
    sourceIs(f.source, AI),
  ),
  utm(
    'organic_social',
    'medium is social, social-network, social-media or sm, or the source is a social network',
    (f) => /^(social|social[-_ ]?(network|media)|sm)$/.test(f.medium) || sourceIs(f.source, SOCIAL),
  ),
  utm(
    'organic_search',
    'medium is organic, or the source is a search engine and there is no medium',
    (f) => f.medium === 'organic' || (f.medium === '' && sourceIs(f.source, SEARCH)),
  ),
  utm('referral', 'medium is referral', (f) => f.medium === 'referral'),
  utm('other_campaign', 'tagged, but no rule above matched', () => true),
  click(
    'paid_search',
    PAID_SEARCH_CLICKS,
    'gclid, gbraid, wbraid (Google Ads), msclkid (Microsoft Ads) or yclid (Yandex Direct)',
  ),
  click('display', ['dclid'], 'dclid (Google Display & Video 360, Campaign Manager)'),
  click(
    'paid_social',
    PAID_SOCIAL_CLICKS,
    'ttclid (TikTok), li_fat_id (LinkedIn), twclid (X), ScCid (Snapchat) or epik (Pinterest), which their ad platforms add',
  ),
  click('email', ['mc_cid'], 'mc_cid (a Mailchimp campaign)'),
  click(
    'organic_social',
    ['fbclid', 'igshid'],
    'fbclid or igshid; Facebook appends fbclid to every outbound link, organic posts included, so alone it does not mean paid, and igshid marks an Instagram share',
  ),
  referrer(
    'ai_assistant',
    AI,
    'an AI assistant (ChatGPT, Perplexity, Gemini, Copilot, Claude…), before search since gemini.google.com is no Google search',
  ),
  referrer('email', WEBMAIL, 'a webmail site (Gmail, Outlook, Yahoo Mail, Proton Mail, webmail.…)'),
  referrer('organic_search', SEARCH, 'a search engine (Google, Bing, DuckDuckGo, Yahoo, Yandex, Baidu…)'),
  referrer('organic_social', SOCIAL, 'a social network, forum or messenger'),
  referrer('referral', null, 'any other site'),
  {
    channel: 'direct',
    rule: 'Nothing: no UTM tags, no click id, no referrer (typed, bookmarked, or withheld).',
    when: () => true,
  },
];

/** The rule table as data, in evaluation order, so docs can be checked against it. */
export const CHANNEL_RULES: readonly { channel: Channel; rule: string }[] = ROWS.map(({ channel, rule }) => ({
  channel,
  rule,
}));

const lower = (v: string | null | undefined) => (v ?? '').trim().toLowerCase();
const bareHost = (host: string) => lower(host).replace(/^www\./, '');

/** The channel rule table applied to parsed parts. */
export function classify(parts: Parts): Channel {
  const facts: Facts = {
    utm: UTM_FIELDS.some((field) => lower(parts[field]) !== ''),
    source: lower(parts.utm_source),
    medium: lower(parts.utm_medium),
    click: lower(parts.click_id_kind),
    host: bareHost(parts.referrer_host ?? ''),
  };
  return ROWS.find((r) => r.when(facts))?.channel ?? 'direct';
}

const clip = (v: string | null | undefined, max = MAX_VALUE) => (v ?? '').trim().slice(0, max) || null;

function tryUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** A query parameter's decoded name, lower-cased. */
const paramName = (segment: string) => (new URLSearchParams(segment).keys().next().value ?? '').toLowerCase();
const isNoise = (name: string) => name.startsWith('utm_') || NOISE.has(name);

/**
 * A page's path and query without utm_* parameters and click ids (what a page is, not how one got there). The other
 * parameters keep their order and encoding.
 */
export function withoutCampaign(pathAndQuery: string): string {
  const at = pathAndQuery.indexOf('?');
  if (at < 0) return pathAndQuery;
  const query = pathAndQuery
    .slice(at + 1)
    .split('&')
    .filter((s) => s !== '' && !isNoise(paramName(s)));
  return pathAndQuery.slice(0, at) + (query.length ? `?${query.join('&')}` : '');
}

/** Parses and classifies. `siteHosts`: the site's own hosts; a referrer from one of them is no referrer. */
export function parseTouch(raw: TouchInput, siteHosts: readonly string[] = []): TouchDetails {
  const path = typeof raw.url === 'string' ? raw.url.trim() : '';
  const fullUrl = /^https?:\/\//i.test(path);
  // Concatenated, not resolved: a path starting "//" stays a path instead of naming a host.
  const landing = fullUrl ? tryUrl(path) : tryUrl(DUMMY_ORIGIN + (path.startsWith('/') ? '' : '/') + path);

  const landing_page = withoutCampaign((landing?.pathname ?? '/') + (landing?.search ?? '')).slice(0, MAX_URL);

  const params = new Map<string, string>();
  for (const [name, value] of landing?.searchParams ?? []) {
    const key = name.toLowerCase();
    if (!params.get(key)?.trim()) params.set(key, value);
  }

  const refText = typeof raw.referrer === 'string' ? raw.referrer.trim() : '';
  // Tolerates a bare "host/path"; any scheme with a host counts (android-app:// is how apps refer).
  const ref = refText ? tryUrl(/^[a-z][a-z\d+.-]*:\/\//i.test(refText) ? refText : `https://${refText}`) : null;
  const ownHosts = [...siteHosts, ...(fullUrl && landing ? [landing.hostname] : [])].map(bareHost);
  const refHost = ref?.hostname ? bareHost(ref.hostname) : '';
  const external = refHost !== '' && !ownHosts.includes(refHost);

  const click = CLICK_IDS.find(([kind]) => clip(params.get(kind)));
  const parts: Parts = {
    referrer_host: external ? refHost : null,
    utm_source: clip(params.get('utm_source')),
    utm_medium: clip(params.get('utm_medium')),
    utm_campaign: clip(params.get('utm_campaign')),
    utm_term: clip(params.get('utm_term')),
    utm_content: clip(params.get('utm_content')),
    click_id_kind: click ? click[0] : null,
    click_id: click ? clip(params.get(click[0])) : null,
  };
  return {
    landing_page,
    referrer: external && ref ? clip(`${ref.protocol}//${ref.host}${ref.pathname}`, MAX_URL) : null,
    ...parts,
    channel: classify(parts),
    source: parts.utm_source ?? click?.[1] ?? parts.referrer_host,
    at: raw.at,
  };
}
