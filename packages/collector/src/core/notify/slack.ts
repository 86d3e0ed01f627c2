/**
 * A notification as a Slack incoming-webhook message: who, from where, and a link to the lead. What a visitor typed
 * is escaped, so it cannot mention a channel or make a link.
 */
import { messageOf } from './message.ts';

/** Slack's escaping: a visitor's `<!channel>` or `<https://evil|link>` stays text, never a mention or a link. */
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackMessage(payload: string, dashboardUrl?: string): string {
  const { title, lead, lines, link } = messageOf(payload, dashboardUrl);
  const email = lead?.email && escapeText(lead.email).replace(/\|/g, '');
  const who = lead
    ? [escapeText(lead.name), email && `<mailto:${email}|${email}>`, lead.company && escapeText(lead.company)]
        .filter(Boolean)
        .join(' · ')
    : '';
  const text = [`*${title}*${who ? `: ${who}` : ''}`, ...lines.map(escapeText)];
  if (link) text.push(`<${link}|${lead ? 'Open the lead' : 'Open the setup page'}>`);
  return JSON.stringify({ text: text.join('\n') });
}
