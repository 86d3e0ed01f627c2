/**
 * How the serving process writes its log lines: `text` (the default) or `json`, chosen once by `leadtrail serve
 * --log-format` (or LEADTRAIL_LOG_FORMAT) for the whole process. Text: the request log is JSON lines on stdout (written
 * by server.ts) and the process's own messages are `leadtrail: ...` lines on stderr. JSON: every line on stdout and
 * stderr is one object, `{time, level, event, ...fields}`, and a message of the process also carries its text words as
 * `message`. Fields hold what the text line says and nothing more: never lead data or a client address.
 *
 * A layer of its own that imports nothing, so every layer that writes to the process's log (the store's Postgres pool
 * reports a lost connection) may use it.
 */

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = 'info' | 'warn' | 'error';

let format: LogFormat = 'text';

export const isLogFormat = (value: unknown): value is LogFormat => LOG_FORMATS.includes(value as LogFormat);
export const logFormat = (): LogFormat => format;
export function setLogFormat(next: LogFormat) {
  format = next;
}

/** One JSON log line, newline included. */
export function jsonLine(level: LogLevel, event: string, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`;
}

/**
 * One message of the process on stderr. Text: `text`, by default `leadtrail: <message>`; JSON: the event with its
 * fields and the message.
 */
export function processLog(
  level: LogLevel,
  event: string,
  message: string,
  fields: Record<string, unknown> = {},
  text = `leadtrail: ${message}\n`,
) {
  process.stderr.write(format === 'json' ? jsonLine(level, event, { message, ...fields }) : text);
}

/** Entries of the request log (AppOptions.log) that carry an event but no level. */
const EVENT_LEVELS: Record<string, LogLevel> = { webhook_disabled: 'warn', webhook_delivery_error: 'error' };

let pending = '';
const flush = () => {
  const text = pending;
  pending = '';
  if (text) process.stdout.write(text);
};
let flushesAtExit = false;

/**
 * One line on stdout, batched: lines are gathered and written once per turn of the event loop (a write to a pipe is
 * a blocking system call on Linux: one per request is a measurable share of a request's cost); what is pending is
 * written out at exit.
 */
export function writeStdoutLine(line: string) {
  if (!flushesAtExit) {
    flushesAtExit = true;
    process.once('exit', flush);
  }
  if (!pending) setImmediate(flush);
  pending += line;
  if (pending.length > 64 * 1024) flush();
}

/**
 * The request log in the JSON format, on stdout: a request is event `request`, an unexpected error `internal_error`.
 */
export function jsonRequestLog(entry: Record<string, unknown>) {
  const { level, event, ...fields } = entry;
  const name = typeof event === 'string' ? event : level === 'error' ? 'internal_error' : 'request';
  const severity = level === 'warn' || level === 'error' ? level : (EVENT_LEVELS[name] ?? 'info');
  writeStdoutLine(jsonLine(severity, name, fields));
}
