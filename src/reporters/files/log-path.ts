import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FeatureResult, StreamName } from '../../domain/feature-run.js';
import { parseWorkName, scenarioName } from '../../domain/job.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';

/** The longest file name Linux, macOS and Windows file systems take: 255 bytes (UTF-8) per name. */
const NAME_MAX_BYTES = 255;

/**
 * Where a feature's stream is logged, relative to the report dir: logs/<feature path>.<stream>.log for the
 * first attempt, logs/<feature path>.attempt-<n>.<stream>.log for retries; a scenario job's (`path:line`,
 * --split scenarios) logs/<feature path>.line-<line>[.attempt-<n>].<stream>.log, since `:` is no file-name
 * character on Windows and CI artifact uploaders refuse it. A feature whose own name is near
 * the limit would overflow it with that suffix: its name is then cut and marked with a hash of the whole
 * path (so two such features never share a log); summary.json maps the real name to it.
 */
export function logPath(work: string, attempt: number, stream: StreamName): string {
  const { file, line } = parseWorkName(work);
  // The path comes from the run; keep its folders but never let it climb out of logs/.
  const parts = file.split(/[\\/]+/).filter((part) => part !== '' && part !== '.' && part !== '..');
  const name = parts.pop() ?? 'feature';
  const suffix = `${line === undefined ? '' : `.line-${line}`}${attempt > 1 ? `.attempt-${attempt}` : ''}.${stream}.log`;
  return join(REPORT_FILES.logs.name, ...parts.map((part) => fitName(part, '', file)), fitName(name, suffix, file));
}

/** Where a result's output is: its own log, or for a feature of a batch but its first, the batch's (its first's). */
export function resultLogPath(
  result: Pick<FeatureResult, 'file' | 'attempt' | 'batchFirst'>,
  stream: StreamName,
): string {
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

/** The two logs of one attempt, relative to the report dir. */
export function attemptLogs(file: string, attempt: number): { stdout: string; stderr: string } {
  return { stdout: logPath(file, attempt, 'stdout'), stderr: logPath(file, attempt, 'stderr') };
}

/**
 * The attempts a final result's logs are under: its own last attempt's, or with --split scenarios each
 * scenario job's last attempt, named `path:line` (logs/<path>.line-<line>.stdout.log).
 */
export function loggedAttempts(result: FeatureResult): { name: string; attempt: number; passed: boolean }[] {
  if (result.scenarioJobs === undefined)
    return [{ name: result.file, attempt: result.attempt, passed: result.status === 'passed' }];
  return result.scenarioJobs.map((job) => ({
    name: scenarioName(result.file, job.line),
    attempt: job.attempt,
    passed: job.status === 'passed',
  }));
}

/**
 * The logs that tell most of a feature's last run: its own (a batch's feature: the batch's), or a split
 * feature's first scenario that did not pass (else its first).
 */
export function featureLogs(result: FeatureResult): { stdout: string; stderr: string } {
  if (result.scenarioJobs === undefined)
    return { stdout: resultLogPath(result, 'stdout'), stderr: resultLogPath(result, 'stderr') };
  const attempts = loggedAttempts(result);
  const telling = attempts.find((attempt) => !attempt.passed) ?? attempts[0]!;
  return attemptLogs(telling.name, telling.attempt);
}
