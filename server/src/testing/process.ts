import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `server/bin/rulecord.mjs`, the command users run. */
export const rulecordBin = fileURLToPath(new URL('../../bin/rulecord.mjs', import.meta.url));

/** Variables a test child must not inherit from the developer's or CI's shell (it would change which services it uses). */
const SCRUBBED = [
  'DATABASE_URL',
  'REDIS_URL',
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'RULECORD_DATA_DIR',
  'LOG_LEVEL',
  'SESSION_SECRET',
  'DISCORD_TOKEN',
  'DISCORD_CLIENT_ID',
  'DISCORD_CLIENT_SECRET',
  'OPENAI_API_KEY',
  'TWITCH_CLIENT_ID',
  'TWITCH_CLIENT_SECRET',
  'RULECORD_DEBUG',
  'NODE_OPTIONS',
];

export interface SpawnedProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout or stderr matches `pattern`; rejects after `timeoutMs` or if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Kills it (SIGKILL) if still running. */
  kill(): void;
}

/**
 * Runs a node script (default: the `rulecord` command) as a child process with a clean environment plus `env`.
 *
 * @example
 * const p = spawnNode([rulecordBin, 'start'], { env: { PORT: '4123' }, cwd: dir });
 * await p.waitFor(/Rulecord is running at (\S+)/);
 */
export function spawnNode(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): SpawnedProcess {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.includes(k)) env[k] = v;
  const child = spawn(process.execPath, [...args], {
    cwd: options.cwd,
    env: { ...env, ...options.env },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const started = Date.now();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal, ms: Date.now() - started });
      for (const l of listeners) l();
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out) ?? pattern.exec(err);
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `process exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}\nstdout: ${out}\nstderr: ${err}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}
