import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FeatureResult, StreamName } from '../../domain/feature-run.js';

/** The longest file name Linux, macOS and Windows file systems take: 255 bytes (UTF-8) per name. */
const NAME_MAX_BYTES = 255;

/**
 * Where a feature's stream is logged, relative to the report dir: logs/<feature path>.<stream>.log for the
 * first attempt, logs/<feature path>.attempt-<n>.<stream>.log for retries. A feature whose own name is near
 * the limit would overflow it with that suffix: its name is then cut and marked with a hash of the whole
 * path (so two such features never share a log); summary.json maps the real name to it.
 */
export function logPath(file: string, attempt: number, stream: StreamName): string {
  // The path comes from the run; keep its folders but never let it climb out of logs/.
  const parts = file.split(/[\\/]+/).filter((part) => part !== '' && part !== '.' && part !== '..');
  const name = parts.pop() ?? 'feature';
  const suffix = `${attempt > 1 ? `.attempt-${attempt}` : ''}.${stream}.log`;
  return join('logs', ...parts.map((part) => fitName(part, '', file)), fitName(name, suffix, file));
}

/** Where a result's output is: its own log, or for a feature of a batch but its first, the batch's (its first's). */
export function resultLogPath(result: Pick<FeatureResult, 'file' | 'attempt' | 'batchFirst'>, stream: StreamName): string {
  return logPath(result.batchFirst ?? result.file, result.attempt, stream);
}

function fitName(name: string, suffix: string, whole: string): string {
  if (Buffer.byteLength(name + suffix) <= NAME_MAX_BYTES) return name + suffix;
  const mark = `~${createHash('sha256').update(whole).digest('hex').slice(0, 16)}`;
  return cutToBytes(name, NAME_MAX_BYTES - Buffer.byteLength(mark + suffix)) + mark + suffix;
}

/** The longest prefix of `text` within `bytes` in UTF-8, never splitting a character. */
function cutToBytes(text: string, bytes: number): string {
  let cut = '';
  let used = 0;
  for (const character of text) {
    used += Buffer.byteLength(character);
    if (used > bytes) break;
    cut += character;
  }
  return cut;
}
