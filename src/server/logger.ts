import { pino, type Logger } from 'pino';

export type { Logger };

/** Server logs are JSON lines on stderr (stdout stays free for a client's report when embedded). */
export function createLogger(level: 'silent' | 'error' | 'warn' | 'info' | 'debug'): Logger {
  return pino({ level, base: { service: 'baleen-server' }, redact: { paths: ['spec.env.*', 'env.*'], censor: '***' } }, pino.destination(2));
}
