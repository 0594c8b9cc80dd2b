import { pino, type Logger } from 'pino';
import { readableLogDestination } from './readable-log.js';

export type { Logger };

/**
 * Server logs are JSON lines on stderr (stdout stays free for a client's report when embedded); `readable`
 * makes them lines a person reads, for a server embedded in a client on its terminal.
 */
export function createLogger(
  level: 'silent' | 'error' | 'warn' | 'info' | 'debug',
  options: { readable?: boolean } = {},
): Logger {
  const destination = options.readable ? readableLogDestination(process.stderr) : pino.destination(2);
  return pino(
    { level, base: { service: 'baleen-server' }, redact: { paths: ['spec.env.*', 'env.*'], censor: '***' } },
    destination,
  );
}
