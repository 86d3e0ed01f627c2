/** Real `leadtrail` processes for the Postgres tests: collectors on free ports, and one-shot commands. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CLI = fileURLToPath(new URL('../../packages/collector/bin/leadtrail.mjs', import.meta.url));

/** The environment of a child: the store comes from --db only, never from a DATABASE_URL the runner has. */
function childEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _, ...env } = process.env;
  return env;
}

export interface CollectorProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Starts `leadtrail serve --db <db> --port 0 [args]` and resolves with its URL once it listens. */
export function startCollectorProcess(db: string, timeoutMs = 60_000, args: string[] = []): Promise<CollectorProcess> {
  // stdout is the request log: ignored, so a busy collector never blocks on a full pipe.
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: childEnv(),
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
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
      child.stderr?.off('data', onData);
      resolve({ url: match[1]!, child, stderr: () => err, stop });
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
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
