import { terminalText } from '../util/terminal-text.js';

/** pino's numeric levels, by name. */
const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/** Fields every line has, or that say nothing to a person reading a client's terminal. */
const LEFT_OUT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'serverId', 'err']);

/**
 * pino's destination for a server embedded in a client: each JSON line becomes one line a person reads on a
 * terminal, `baleen server: warn <message> key=value …` (an error with its message). A standalone server keeps
 * JSON lines, for log collectors. Written here rather than with pino-pretty, which would load a dozen modules
 * into every run for the one line an ordinary run may print.
 */
export function readableLogDestination(out: { write(text: string): unknown }): { write(line: string): void } {
  return { write: (line) => void out.write(`${readableLogLine(line)}\n`) };
}

export function readableLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return terminalText(line.trimEnd());
  }
  const level = LEVELS[Number(entry.level)] ?? String(entry.level);
  const error = entry.err as { message?: unknown } | undefined;
  const fields = Object.entries(entry)
    .filter(([key]) => !LEFT_OUT.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`);
  const parts = [
    `baleen server: ${level}`,
    String(entry.msg ?? ''),
    ...(error?.message === undefined ? [] : [`(${String(error.message)})`]),
    ...fields,
  ];
  return terminalText(parts.filter(Boolean).join(' '));
}
