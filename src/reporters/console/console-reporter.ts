import pc from 'picocolors';
import type { FeatureResult } from '../../domain/feature-run.js';
import type { FeatureOutputChunk, FeatureStateChange, RunInfo, RunOutcome } from '../../domain/run-outcome.js';
import { terminalName, terminalText } from '../../util/terminal-text.js';
import { formatDuration, plural } from '../../util/text.js';
import { featureLogs } from '../files/log-path.js';
import type { Reporter } from '../reporter.js';
import { summarize } from '../summary.js';
import { failedFeatureEntries, type FailedFeatureEntry } from '../../cucumber-json/feature-report.js';
import { scenarioTotalsLine } from '../../cucumber-json/scenarios.js';
import { failureLines } from './failure-list.js';
import { LiveBlock } from './live-block.js';
import { WholeLines } from './whole-lines.js';
import { SplitProgress } from './split-progress.js';
import { parseWorkName, scenarioName } from '../../domain/job.js';
import type { ScenarioJob } from '../../domain/feature-run.js';
import { hasMessages } from '../files/cucumber-messages-reporter.js';
import {
  REPORT_FILES,
  type ReportFile,
  type ReportFileKey,
  reportFiles,
  shownName,
} from '../../report-dir/report-files.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export interface ConsoleOptions {
  out: NodeJS.WriteStream;
  verbosity: Verbosity;
  /** A terminal gets a live, redrawn line per active feature; anything else (CI logs) gets plain lines. */
  live: boolean;
  /** Where the report is found once the run ends (its files are written elsewhere first). */
  reportDir: string;
  /** The names of the reporters (`index.html`, `junit.xml`, `logs`, …) whose files were not written. */
  unwritten?: () => ReadonlySet<string>;
}

type ShownIfWritten = {
  [Key in ReportFileKey]: (typeof REPORT_FILES)[Key] extends { shown: 'if-written' } ? Key : never;
}[ReportFileKey];

/** Whether the run gave an `if-written` file of the report (report-dir/report-files.ts) anything to hold. */
const WRITTEN_IF: Record<ShownIfWritten, (outcome: RunOutcome) => boolean> = {
  cucumberHtml: hasMessages,
  messages: hasMessages,
  artifacts: (outcome) => outcome.results.some((result) => (result.artifacts?.files.length ?? 0) > 0),
};

/** The report's files the console points people to, in the registry's order. */
function shownFiles(outcome: RunOutcome): ReportFile[] {
  return reportFiles().flatMap(([key, file]) =>
    file.shown === 'always' || (file.shown === 'if-written' && WRITTEN_IF[key as ShownIfWritten](outcome))
      ? [file]
      : [],
  );
}

/** The name of the step that moves the written files into the report dir: when it fails, none are there. */
export const REPORT_DIR_COMMIT = 'report dir';

const mark: Record<FeatureResult['status'], string> = {
  passed: pc.green('✓ PASS '),
  failed: pc.red('✗ FAIL '),
  error: pc.red('! ERROR'),
  cancelled: pc.yellow('- CANCEL'),
  skipped: pc.yellow('- SKIP '),
};

/** What a person watching the run sees: progress while it runs, then a summary and what went wrong. */
export class ConsoleReporter implements Reporter {
  readonly name = 'console';
  /** Each active feature's state, and when its current attempt began (its timer counts from there). */
  private readonly active = new Map<string, { state: string; attempt: number; startedAt: number }>();
  private runStartedAt = 0;
  private expectedMs: number | undefined;
  private finished = 0;
  private total = 0;
  private readonly live: LiveBlock | undefined;
  /** With --split scenarios: the scenario jobs' progress (the active map then holds jobs, by `path:line`). */
  private split: SplitProgress | undefined;
  /** --verbose: each stream's output, handed on a whole line at a time (by `stream\0file`). */
  private readonly lines = new WholeLines((key, line) => this.printOutputLine(key, line));

  constructor(private readonly options: ConsoleOptions) {
    this.live =
      options.live && options.verbosity !== 'quiet' ? new LiveBlock(options.out, () => this.liveLines()) : undefined;
  }

  onBegin(info: RunInfo): void {
    this.total = info.features.length;
    this.runStartedAt = info.startedAt.getTime();
    this.expectedMs = info.expectedMs;
    this.split = info.scenarioJobs === undefined ? undefined : new SplitProgress(info.scenarioJobs);
    const jobs = this.split ? ` split into ${plural(this.split.total, 'scenario job')}` : '';
    this.print(
      pc.bold(
        `baleen: ${plural(info.features.length, 'feature')}${jobs} on ${terminalName(info.image)}, ${info.concurrency} at a time`,
      ),
    );
    for (const note of info.notes ?? []) this.print(pc.dim(`baleen: ${terminalText(note)}`));
  }

  onWaiting(place: number): void {
    if (this.options.verbosity === 'quiet') return;
    this.print(
      pc.dim(`waiting for a free slot on the server: ${place === 1 ? 'next in line' : `place ${place} in line`}`),
    );
  }

  onFeatureState(change: FeatureStateChange): void {
    this.split?.state(change.file, change.state);
    if (change.state === 'queued' || change.state === 'done') {
      this.active.delete(change.file);
    } else {
      const current = this.active.get(change.file);
      const startedAt = current?.attempt === change.attempt ? current.startedAt : change.at;
      const state = change.attempt > 1 ? `${change.state} (attempt ${change.attempt})` : change.state;
      this.active.set(change.file, { state, attempt: change.attempt, startedAt });
    }
    this.live?.changed();
  }

  onFeatureOutput(chunk: FeatureOutputChunk): void {
    if (this.options.verbosity !== 'verbose') return;
    this.lines.push(`${chunk.stream}\0${chunk.file}`, chunk.data);
  }

  /** One whole line of a feature's output, under its feature's name (`--verbose`). */
  private printOutputLine(key: string, line: string): void {
    const file = key.slice(key.indexOf('\0') + 1);
    // The command's own colours go too: what it prints must not move the cursor, retitle or clear the terminal.
    this.print(pc.dim(`[${terminalName(file)}] `) + terminalText(line));
  }

  /** What a feature's streams (and its scenario jobs', `path:line`) hold of a line goes out before its end is said. */
  private flushOutput(file: string): void {
    this.lines.flush((key) => parseWorkName(key.slice(key.indexOf('\0') + 1)).file === file);
  }

  onFeatureRetry(result: FeatureResult): void {
    this.flushOutput(result.file);
    if (this.options.verbosity === 'quiet') return;
    this.print(
      `${pc.yellow('↻ RETRY')} ${terminalName(result.file)} ${pc.dim(`(attempt ${result.attempt} ${result.status}: ${terminalText(result.error ?? result.status)})`)}`,
    );
  }

  onFeatureResult(result: FeatureResult): void {
    this.flushOutput(result.file);
    this.finished++;
    this.active.delete(result.file);
    if (this.split) {
      this.split.settled(result);
      for (const job of result.scenarioJobs ?? []) this.active.delete(scenarioName(result.file, job.line));
    }
    if (this.options.verbosity === 'quiet') return;
    const detail = result.flaky
      ? pc.yellow(` flaky: passed on attempt ${result.attempt}`)
      : result.status === 'passed'
        ? ''
        : pc.dim(` — ${terminalText(result.error ?? result.status)}`);
    // The count says how far the run is in a CI log, where there is no live block to say it.
    const progress = pc.dim(`[${this.finished}/${this.total}]`);
    this.print(
      `${progress} ${mark[result.status]} ${terminalName(result.file)} ${pc.dim(`(${formatDuration(result.durationMs)})`)}${detail}`,
    );
    // A split feature's scenarios, indented under it: the count stays one of features.
    for (const job of result.scenarioJobs ?? []) this.print(`    ${scenarioLine(result.file, job)}`);
  }

  onEnd(outcome: RunOutcome): void {
    this.lines.flush();
    this.live?.stop();
    // Skipped and cancelled features did not fail on their own: their output says nothing about the failure.
    const failures = failedFeatureEntries(outcome);
    if (failures.length > 0 && this.options.verbosity !== 'quiet') this.printFailures(failures, this.options.reportDir);
    this.printSummary(outcome);
  }

  private printFailures(failures: FailedFeatureEntry[], reportDir: string): void {
    this.print(`\n${pc.bold(pc.red(`Failures (${plural(failures.length, 'feature')}):`))}`);
    for (const failure of failures) {
      const { result } = failure;
      this.print(`\n${failureLines(failure).join('\n')}`);
      if (this.isWritten(REPORT_FILES.logs.name)) {
        const logs = featureLogs(result);
        this.print(
          pc.dim(
            `  logs: ${terminalName(`${reportDir}/${logs.stdout}`)}, ${terminalName(`${reportDir}/${logs.stderr}`)}`,
          ),
        );
      }
    }
  }

  private printSummary(outcome: RunOutcome): void {
    const { totals } = summarize(outcome);
    const parts = [
      pc.green(`${totals.passed} passed`),
      totals.failed ? pc.red(`${totals.failed} failed`) : `${totals.failed} failed`,
      totals.errors ? pc.red(plural(totals.errors, 'error')) : undefined,
      totals.cancelled ? pc.yellow(`${totals.cancelled} cancelled`) : undefined,
      totals.skipped ? pc.yellow(`${totals.skipped} skipped`) : undefined,
      totals.flaky ? pc.yellow(`${totals.flaky} flaky`) : undefined,
      totals.unfinished ? pc.yellow(`${totals.unfinished} unfinished`) : undefined,
    ].filter(Boolean);
    const scenarios = totals.scenarios;
    const headline =
      outcome.status === 'passed'
        ? pc.green('PASSED')
        : outcome.status === 'failed'
          ? pc.red('FAILED')
          : pc.yellow('INTERRUPTED');
    this.print(
      `\n${pc.bold(headline)} features: ${parts.join(', ')} of ${totals.features}; ${scenarioTotalsLine(scenarios)}; ${formatDuration(outcome.durationMs)}${expected(outcome)}`,
    );
    if (outcome.info.judgedByExitCodeAlone)
      this.print(
        pc.yellow(
          'features were judged by their exit code alone: the command template has no {report}, so no Cucumber report shows what ran',
        ),
      );
    this.printReportFiles(this.options.reportDir, shownFiles(outcome));
  }

  /** Where the report is: only files that were written (a failed reporter's error is printed after this). */
  private printReportFiles(reportDir: string, files: readonly ReportFile[]): void {
    const dir = terminalName(reportDir);
    const written = files.filter((file) => this.isWritten(file.name)).map(shownName);
    const missing = files.filter((file) => !this.isWritten(file.name)).map(shownName);
    const html = REPORT_FILES.html.name;
    const others = written.filter((file) => file !== html);
    const where = written.includes(html)
      ? `${dir}/${html}${others.length > 0 ? ` (also ${others.join(', ')})` : ''}`
      : `${dir}/ (${others.join(', ') || 'nothing'})`;
    this.print(pc.dim(`report: ${where}`));
    if (missing.length > 0) this.print(pc.red(`not written: ${missing.join(', ')} (the reason follows)`));
  }

  /** A reporter's files are in the report dir: it did not fail, nor did moving the files there. */
  private isWritten(reporter: string): boolean {
    const unwritten = this.options.unwritten?.() ?? new Set();
    return !unwritten.has(reporter) && !unwritten.has(REPORT_DIR_COMMIT);
  }

  private liveLines(): string[] {
    if (this.split) return this.splitLiveLines(this.split);
    const now = Date.now();
    const lines = [...this.active].map(
      ([file, { state, startedAt }]) =>
        `  ${pc.cyan(state.padEnd(10))} ${terminalName(file)} ${pc.dim(formatDuration(now - startedAt))}`,
    );
    const queued = this.total - this.finished - this.active.size;
    lines.push(
      pc.dim(
        `  ${this.finished}/${this.total} done, ${this.active.size} active, ${Math.max(queued, 0)} queued${this.eta(now)}`,
      ),
    );
    return lines;
  }

  /**
   * With --split scenarios: each feature with a scenario running, its scenarios indented under it, and the
   * counts in scenario jobs (what waits for a slot), the features' beside them.
   */
  private splitLiveLines(split: SplitProgress): string[] {
    const now = Date.now();
    const byFeature = new Map<string, [string, { state: string; startedAt: number }][]>();
    for (const entry of this.active) {
      const { file } = parseWorkName(entry[0]);
      byFeature.set(file, [...(byFeature.get(file) ?? []), entry]);
    }
    const lines = [...byFeature].flatMap(([file, jobs]) => {
      const { done, total } = split.ofFeature(file);
      const startedAt = Math.min(...jobs.map(([, job]) => job.startedAt));
      const feature = `  ${pc.cyan('running'.padEnd(10))} ${terminalName(file)} ${pc.dim(`${done}/${total} scenarios done, ${formatDuration(now - startedAt)}`)}`;
      const scenarios = jobs.map(([name, { state, startedAt: since }]) => {
        const { line } = parseWorkName(name);
        return `    ${pc.cyan(state.padEnd(10))} ${line === undefined ? '(whole)' : `:${line}`} ${pc.dim(formatDuration(now - since))}`;
      });
      return [feature, ...scenarios];
    });
    const queued = Math.max(split.total - split.doneCount - this.active.size, 0);
    lines.push(
      pc.dim(
        `  ${split.doneCount}/${split.total} scenarios done, ${this.active.size} active, ${queued} queued; features ${this.finished}/${this.total} done${this.eta(now)}`,
      ),
    );
    return lines;
  }

  /** What the timing history expects of the run, against the time it has taken so far. */
  private eta(now: number): string {
    if (this.expectedMs === undefined) return '';
    const left = this.runStartedAt + this.expectedMs - now;
    return left >= 0
      ? `; ETA ${formatDuration(left)} (the timing history expects ${formatDuration(this.expectedMs)})`
      : `; ${formatDuration(-left)} over the ${formatDuration(this.expectedMs)} the timing history expects`;
  }

  private print(text: string): void {
    if (this.live) this.live.print(text);
    else this.options.out.write(`${text}\n`);
  }
}

/** One scenario job of a split feature, as its final attempt ended: `✗ FAIL path:line (2.1s, attempt 2) — error`. */
function scenarioLine(file: string, job: ScenarioJob): string {
  const attempt = job.attempt > 1 ? `, attempt ${job.attempt}` : '';
  const detail = job.flaky
    ? pc.yellow(' flaky')
    : job.status === 'passed'
      ? ''
      : pc.dim(` — ${terminalText(job.error ?? job.status)}`);
  return `${mark[job.status]} ${terminalName(scenarioName(file, job.line))} ${pc.dim(`(${formatDuration(job.durationMs)}${attempt})`)}${detail}`;
}

function expected(outcome: RunOutcome): string {
  const { expectedMs, shard } = outcome.info;
  const parts = [
    expectedMs === undefined ? undefined : `expected ${formatDuration(expectedMs)} from the timing history`,
    shard ? `shard ${shard.index}/${shard.total}${shard.plan ? ` of plan ${shard.plan.id}` : ''}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? pc.dim(` (${parts.join(', ')})`) : '';
}
