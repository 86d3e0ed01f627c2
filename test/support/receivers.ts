/**
 * Real receivers for notification tests: an HTTP server that checks Standard Webhooks signatures with its own HMAC
 * (written from the spec, not the collector's code), and an SMTP server (the smtp-server package) that takes mail.
 * Both keep what they got and answer what the test queues.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature checked out against the secret (always false for an unsigned Slack-format body). */
  valid: boolean;
  at: number;
}

/** The receiver's own check, written from the spec: v1 = base64 HMAC-SHA256 of "id.timestamp.body". */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
    .digest('base64');
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .includes(`v1,${expected}`);
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT (append a path per endpoint). */
  origin: string;
  received: ReceivedHook[];
  /** Every request's webhook-id and answer, in order (the 2xx ones are also in `received`). */
  attempts: { id: string; status: number }[];
  /** Secrets by path, to check signatures with. */
  secrets: Map<string, string>;
  /** The next answers, in order (then 204). */
  answers: number[];
  /** How long each answer takes, ms. */
  delayMs: number;
  /** The most requests with one webhook-id that were in flight at once. */
  maxInFlightPerId(): number;
  /** Stops listening (connections refused) until `up()`, on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const inFlight = new Map<string, number>();
  let maxInFlight = 0;
  let server: Server;
  let port = 0;
  const receiver: WebhookReceiver = {
    origin: '',
    received: [],
    attempts: [],
    secrets: new Map(),
    answers: [],
    delayMs: 0,
    maxInFlightPerId: () => maxInFlight,
    down: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    up: () => listen(),
    close: () => receiver.down(),
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((req, res) => {
        const id = String(req.headers['webhook-id'] ?? '');
        const now = (inFlight.get(id) ?? 0) + 1;
        inFlight.set(id, now);
        maxInFlight = Math.max(maxInFlight, now);
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const path = req.url ?? '/';
          const secret = receiver.secrets.get(path);
          const valid = secret ? verifyStandardWebhook(secret, req.headers, body) : false;
          const status = receiver.answers.shift() ?? 204;
          receiver.attempts.push({ id, status });
          setTimeout(() => {
            inFlight.set(id, (inFlight.get(id) ?? 1) - 1);
            if (status >= 200 && status < 300)
              receiver.received.push({ path, headers: req.headers, body, valid, at: Date.now() });
            res.writeHead(status);
            res.end();
          }, receiver.delayMs);
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        receiver.origin = `http://127.0.0.1:${port}`;
        resolve();
      });
    });
  await listen();
  return receiver;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

export interface SmtpReceiver {
  /** smtp://owner:secret@127.0.0.1:PORT */
  url: string;
  mails: ReceivedMail[];
  /** SMTP reply codes to refuse the next mails with, in order (then accepted). */
  refusals: number[];
  close(): Promise<void>;
}

/** Unfolds headers and reads the subject and (7-bit or quoted-printable) body of a simple text mail. */
function parseMail(raw: string) {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject: (.*)$/im.exec(headers)?.[1] ?? '';
  let text = rest.join('\n\n').replace(/\r\n/g, '\n');
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
    text = Buffer.from(
      text
        .replace(/=\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  }
  return { subject, text };
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const refusals: number[] = [];
  const server = new SMTPServer({
    // Plain SMTP with a password on loopback: the test checks that the URL's credentials are used.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'owner' && auth.password === 'secret') callback(null, { user: 'owner' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refusal = refusals.shift();
        if (refusal) {
          const error = new Error(refusal >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & {
            responseCode: number;
          };
          error.responseCode = refusal;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelope = session.envelope;
        mails.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://owner:secret@127.0.0.1:${port}`,
    mails,
    refusals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `done()` holds, checking every 50 ms, for at most `ms`. */
export async function waitFor(done: () => boolean | Promise<boolean>, ms = 15_000, what = 'the condition') {
  const until = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
