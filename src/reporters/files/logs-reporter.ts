import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { loggedAttempts, logPath, resultLogPath } from './log-path.js';
import { finished } from 'node:stream/promises';
import type { FeatureResult, StreamName } from '../../domain/feature-run.js';
import type { FeatureOutputChunk, RunInfo } from '../../domain/run-outcome.js';
import type { Reporter } from '../reporter.js';
import { resolveInside } from '../../util/inside-root.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { CREATE_ONLY } from '../../util/write-file-atomic.js';

/**
 * logs/: each feature's whole stdout and stderr, written as they arrive, so that output far larger than
 * what a result keeps in memory still lands on disk in full. A batch's output is its first feature's; each
 * other feature of the batch has a one-line log naming that one.
 */
export class LogsReporter implements Reporter {
  readonly name = REPORT_FILES.logs.name;
  private reportDir = '.';
  private readonly open = new Map<string, WriteStream>();
  private readonly closing: Promise<void>[] = [];
  /** The first write failure (a full disk, a name too long): reported at the end, never a crash mid-run. */
  private failure: Error | undefined;

  onBegin(info: RunInfo): void {
    this.reportDir = info.reportDir;
  }

  onFeatureOutput(chunk: FeatureOutputChunk): void {
    this.streamFor(chunk.file, chunk.attempt, chunk.stream).write(chunk.data);
  }

  onFeatureRetry(result: FeatureResult): void {
    this.closeAttempt(result);
  }

  onFeatureResult(result: FeatureResult): void {
    // A feature split into scenarios (--split scenarios) was logged per scenario job, under `path:line`.
    if (result.scenarioJobs === undefined) this.closeAttempt(result);
    else for (const { name, attempt } of loggedAttempts(result)) this.closeAttempt({ file: name, attempt });
  }

  private closeAttempt(result: Pick<FeatureResult, 'file' | 'attempt' | 'batchFirst'>): void {
    const { file, attempt } = result;
    for (const stream of ['stdout', 'stderr'] as const) {
      // Opening the stream here too gives every attempt its two log files, empty or not.
      const writer = this.streamFor(file, attempt, stream);
      this.open.delete(logPath(file, attempt, stream));
      // A feature of a batch (not its first): the batch's output is logged once, as its first feature's.
      if (result.batchFirst !== undefined)
        writer.write(
          `baleen: this feature ran in a batch; the batch's ${stream} is in ${resultLogPath(result, stream)}\n`,
        );
      writer.end();
      this.closing.push(finished(writer).catch(() => undefined));
    }
  }

  async onEnd(): Promise<void> {
    for (const writer of this.open.values()) {
      writer.end();
      this.closing.push(finished(writer).catch(() => undefined));
    }
    this.open.clear();
    await Promise.all(this.closing);
    if (this.failure) throw new Error(`could not write logs/: ${this.failure.message}`);
  }

  private streamFor(file: string, attempt: number, stream: StreamName): WriteStream {
    const key = logPath(file, attempt, stream);
    let writer = this.open.get(key);
    if (!writer) {
      const path = resolveInside(this.reportDir, key);
      mkdirSync(dirname(path), { recursive: true });
      // Created, never opened: a name that exists (a planted symlink too) is a failure, not a target.
      writer = createWriteStream(path, { flags: CREATE_ONLY });
      writer.on('error', (error) => (this.failure ??= error));
      this.open.set(key, writer);
    }
    return writer;
  }
}
