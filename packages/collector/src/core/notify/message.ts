/**
 * What a notification says, before any format: a title, the lead's contact lines, where it came from and a link.
 * Slack and email render it each in their own way; a Standard Webhooks endpoint gets the payload itself.
 */
interface Payload {
  type: string;
  data: {
    lead?: {
      id: string;
      name: string;
      email: string | null;
      phone?: string | null;
      company: string | null;
      attribution?: { channel: string | null; source?: string | null };
    };
    status_change?: { from: string; to: string };
    webhook?: { id: string; target: string; disabled_reason?: string | null };
  };
}

export interface Message {
  title: string;
  lead: NonNullable<Payload['data']['lead']> | null;
  /** Plain-text lines after the contact details (channel, status change, notices). */
  lines: string[];
  /** The lead in the dashboard, when one is named and the dashboard's address is known. */
  link: string | null;
}

const TITLES: Record<string, string> = {
  'lead.created': 'New lead',
  'lead.submission': 'Lead sent a form again',
  'lead.status_changed': 'Lead status changed',
  'webhook.test': 'Test notification from leadtrail',
  'webhook.disabled': 'A notification endpoint was turned off',
};

export function messageOf(payload: string, dashboardUrl?: string): Message {
  const { type, data } = JSON.parse(payload) as Payload;
  const lead = data.lead ?? null;
  const lines: string[] = [];
  const channel = lead?.attribution?.channel;
  if (channel) {
    const source = lead?.attribution?.source;
    lines.push(`Channel: ${channel.replace(/_/g, ' ')}${source ? ` (${source})` : ''}`);
  }
  if (data.status_change) lines.push(`Status: ${data.status_change.from} → ${data.status_change.to}`);
  if (type === 'webhook.test') lines.push('This endpoint receives the site’s lead notifications.');
  if (data.webhook && type === 'webhook.disabled') {
    lines.push(`Endpoint: ${data.webhook.target}`, `Why: ${data.webhook.disabled_reason ?? 'unknown'}`);
    lines.push('Turn it back on in the dashboard’s setup page once its receiver works again.');
  }
  const base = dashboardUrl?.replace(/\/+$/, '');
  return {
    title: TITLES[type] ?? type,
    lead,
    lines,
    link: lead && base ? `${base}/leads/${lead.id}` : base && data.webhook ? `${base}/setup` : null,
  };
}

/** An endpoint's address as notices and the dashboard show it: scheme and host, the path cut (it may be a secret). */
export function targetOf(url: string): string {
  if (url.startsWith('mailto:')) return url.slice('mailto:'.length);
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname.length > 12 ? `${pathname.slice(0, 12)}…` : pathname}`;
  } catch {
    return 'an invalid address';
  }
}
