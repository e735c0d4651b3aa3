import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { loadConfig, secretVariables } from '../../src/config/index.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('never writes a secret, wherever it sits in a log object', () => {
    const secret = 'x'.repeat(40);
    const { lines, stream } = capture();
    const log = createLogger({ LOG_LEVEL: 'info' }, stream);
    const config = loadConfig({
      env: { SESSION_SECRET: secret, DISCORD_TOKEN: `tok${secret}`, DATABASE_URL: `postgres://u:${secret}@h/db` },
      envFile: false,
    });
    log.info({ config }, 'config');
    log.info({ SESSION_SECRET: secret, DISCORD_TOKEN: secret }, 'top level');
    log.info({ req: { headers: { authorization: `Bearer ${secret}`, cookie: `s=${secret}` } } }, 'request');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).not.toContain(secret);
    expect(JSON.parse(lines[0]!).config.SESSION_SECRET).toBe('[redacted]');
    expect(JSON.parse(lines[0]!).config.PORT).toBe(3000);
  });

  it('marks every token, secret and key as secret', () => {
    expect([...secretVariables].sort()).toEqual(
      [
        'DATABASE_URL',
        'DISCORD_CLIENT_SECRET',
        'DISCORD_TOKEN',
        'OPENAI_API_KEY',
        'REDIS_URL',
        'SESSION_SECRET',
        'TWITCH_CLIENT_SECRET',
      ].sort(),
    );
  });

  it('writes nothing below LOG_LEVEL', () => {
    const { lines, stream } = capture();
    const log = createLogger({ LOG_LEVEL: 'warn' }, stream);
    log.info('hidden');
    log.warn('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });
});
