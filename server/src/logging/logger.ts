import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { secretVariables } from '../config/schema.js';
import type { Config } from '../config/schema.js';

export type Logger = PinoLogger;

/** Log paths whose values are replaced by `[redacted]`: every secret config variable, wherever it sits, and credentials in HTTP traffic. */
export const redactPaths: readonly string[] = [
  ...secretVariables.flatMap((name) => [name, `*.${name}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-rulecord-token"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
];

/**
 * The process logger: pino JSON lines at `LOG_LEVEL`, secrets redacted.
 *
 * @example
 * const log = createLogger(config);
 * log.info({ role: 'api' }, 'listening');
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.LOG_LEVEL,
    base: { service: 'rulecord' },
    redact: { paths: [...redactPaths], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
