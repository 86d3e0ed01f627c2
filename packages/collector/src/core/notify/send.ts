/**
 * One POST of a webhook: 15 s at most, no redirect followed (a 3xx is a failure), the connection made only to an
 * address the target guard allows. Answers the status, or the error that stopped it.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateTargetError } from './target-guard.ts';

export const SEND_TIMEOUT_MS = 15_000;

export type SendResult = { status: number } | { error: string };

export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs?: number },
): Promise<SendResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ error: 'invalid URL' });
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return resolve({ error: 'not an http(s) URL' });
    // An address in the URL itself is never looked up: checked here.
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && isIP(literal) && isPrivateAddress(literal)) {
      return resolve({ error: new PrivateTargetError().message });
    }
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'leadtrail-webhooks', ...headers },
        lookup: guardedLookup(options.allowPrivate),
        timeout: options.timeoutMs ?? SEND_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', (error) => resolve({ error: error.message }));
      },
    );
    // `timeout` above is the socket's idle time only: a receiver trickling its answer a byte at a time would keep the
    // attempt (and its delivery loop) going past the lease. This caps the whole attempt.
    const deadline = setTimeout(() => {
      resolve({ error: 'timed out' });
      request.destroy(new Error('timed out'));
    }, options.timeoutMs ?? SEND_TIMEOUT_MS);
    request.on('close', () => clearTimeout(deadline));
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => resolve({ error: error.message }));
    request.end(body);
  });
}
