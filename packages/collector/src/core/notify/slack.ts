/**
 * A lead event as a Slack incoming-webhook message: who, from where, and a link to the lead. What a visitor typed is
 * escaped, so it cannot mention a channel or make a link.
 */
interface Payload {
  type: string;
  data: {
    lead: {
      id: string;
      name: string;
      email: string | null;
      company: string | null;
      attribution?: { channel: string | null };
    };
    status_change?: { from: string; to: string };
  };
}

const TITLES: Record<string, string> = {
  'lead.created': 'New lead',
  'lead.submission': 'Lead sent a form again',
  'lead.status_changed': 'Lead status changed',
};

/** Slack's escaping: a visitor's `<!channel>` or `<https://evil|link>` stays text, never a mention or a link. */
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackMessage(payload: string, dashboardUrl?: string): string {
  const { type, data } = JSON.parse(payload) as Payload;
  const { lead } = data;
  const email = lead.email && escapeText(lead.email).replace(/\|/g, '');
  const who = [escapeText(lead.name), email && `<mailto:${email}|${email}>`, lead.company && escapeText(lead.company)]
    .filter(Boolean)
    .join(' · ');
  const lines = [`*${TITLES[type] ?? type}*: ${who}`];
  if (lead.attribution?.channel) lines.push(`Channel: ${lead.attribution.channel.replace(/_/g, ' ')}`);
  if (data.status_change) lines.push(`Status: ${data.status_change.from} → ${data.status_change.to}`);
  if (dashboardUrl) lines.push(`<${dashboardUrl.replace(/\/+$/, '')}/leads/${lead.id}|Open the lead>`);
  return JSON.stringify({ text: lines.join('\n') });
}
