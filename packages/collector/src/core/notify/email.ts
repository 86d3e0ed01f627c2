/**
 * Email notifications: one short plain-text mail per event, through the SMTP server the collector is given
 * (`--smtp-url` or LEADTRAIL_SMTP_URL, `smtp://` or `smtps://user:pass@host:port`), sent by nodemailer. A 5xx reply
 * (the server refuses the mail for good) fails the delivery at once; anything else is tried again on the schedule.
 */
import { hostname } from 'node:os';
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { messageOf } from './message.ts';
import { SEND_TIMEOUT_MS } from './send.ts';

export type MailResult = { status: number } | { error: string; status?: number; permanent?: boolean };

export interface Mailer {
  send(to: string, payload: string, dashboardUrl?: string): Promise<MailResult>;
  close(): void;
}

/** Subject and text of an event's mail. Lines are plain text: nothing in them is markup. */
export function mailOf(payload: string, dashboardUrl?: string) {
  const { title, lead, lines, link } = messageOf(payload, dashboardUrl);
  const who = lead ? [lead.name, lead.email && `<${lead.email}>`].filter(Boolean).join(' ') : '';
  const contact = lead
    ? [
        `Name: ${lead.name}`,
        lead.email && `Email: ${lead.email}`,
        lead.phone && `Phone: ${lead.phone}`,
        lead.company && `Company: ${lead.company}`,
      ]
    : [];
  const text = [...contact, ...lines, link && `\n${link}`].filter(Boolean).join('\n');
  // A header holds no line break, whatever a visitor typed into their name.
  const subject = `${title}${who ? `: ${who}` : ''}`.replace(/[\r\n]+/g, ' ').slice(0, 200);
  return { subject, text: `${text}\n` };
}

/** The sender's address: `--smtp-from`, else the SMTP user when it is an address, else leadtrail@ this host. */
function defaultFrom(url: URL) {
  const user = decodeURIComponent(url.username);
  return user.includes('@') ? user : `leadtrail@${hostname()}`;
}

/**
 * The SMTP server's idle timeouts do not bound a whole send (a server can trickle its replies), and a send must end
 * well inside its delivery's lease: past `timeoutMs` the attempt counts as failed. (The mail may still go out if
 * the server finishes later: a repeat is then possible, a lost mail is not.)
 */
export function smtpMailer(smtpUrl: string, from?: string, { timeoutMs = SEND_TIMEOUT_MS } = {}): Mailer {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error('The SMTP URL must start with smtp:// or smtps://');
  }
  const options: SMTPTransport.Options = {
    url: smtpUrl,
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  };
  const transport = createTransport(options);
  const sender = from ?? `leadtrail <${defaultFrom(url)}>`;
  return {
    async send(to, payload, dashboardUrl) {
      const { subject, text } = mailOf(payload, dashboardUrl);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      try {
        const sent = await Promise.race([transport.sendMail({ from: sender, to, subject, text }), deadline]);
        if (sent === 'late') return { error: 'SMTP timed out' };
        return { status: 250 };
      } catch (error) {
        const { responseCode, code } = error as { responseCode?: number; code?: string };
        // The reply's code only: its text may quote the address.
        if (responseCode)
          return { status: responseCode, error: `SMTP ${responseCode}`, permanent: responseCode >= 500 };
        return { error: `SMTP ${code ?? 'error'}` };
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => transport.close(),
  };
}
