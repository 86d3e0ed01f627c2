/** Real `leadtrail` processes for tests and benchmarks: collectors on free ports, and one-shot commands. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CLI = fileURLToPath(new URL('../../packages/collector/bin/leadtrail.mjs', import.meta.url));

/** The environment of a child: the store comes from --db only, never from a DATABASE_URL the runner has. */
function childEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _, ...env } = process.env;
  return env;
}

export interface LoggedProcess {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * `leadtrail serve` as a child whose stdout (the request log) and stderr are both kept; `keepLog: false` sends the
 * request log to /dev/null instead (benchmarks: reading it would load the runner).
 */
export function startLoggedProcess(
  db: string,
  args: string[] = [],
  {
    timeoutMs = 60_000,
    keepLog = true,
    cli = CLI,
    nodeArgs = [],
  }: { timeoutMs?: number; keepLog?: boolean; cli?: string; nodeArgs?: string[] } = {},
): Promise<LoggedProcess> {
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve', '--db', db, '--port', '0', ...args], {
    stdio: ['ignore', keepLog ? 'pipe' : 'ignore', 'pipe'],
    env: childEnv(),
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve did not start in ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    const onData = () => {
      const match = /collector on (http:\/\/\S+)/.exec(err);
      if (!match) return;
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      resolve({ url: match[1]!, child, stdout: () => out, stderr: () => err, exited, stop });
    };
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before listening: ${err}`));
    });
  });
}

/** Runs one `leadtrail` command to completion. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: childEnv() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
