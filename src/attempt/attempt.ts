import { randomBytes } from 'node:crypto';
import { base64Budget, collectCommand } from '../artifacts/collect-command.js';
import { ArtifactStream } from '../artifacts/artifact-stream.js';
import type { CucumberJson } from '../domain/cucumber-json.js';
import type { AttemptPhaseName } from '../domain/attempt-phases.js';
import type { CollectedArtifacts, FeatureResult, FeatureState, StopReason } from '../domain/feature-run.js';
import type { RunSpec } from '../domain/run-spec.js';
import { messageOf } from '../errors/baleen-error.js';
import type { ContainerExit, OutputSinks } from '../runtime/container-runtime.js';
import { OutputTailBuffer } from '../util/output-tail.js';
import { PhaseClock } from '../util/phase-clock.js';
import { formatDuration } from '../util/text.js';
import { attemptEnv } from './container-spec.js';
import { beforeCommandExit, featureScript } from './feature-script.js';
import { featureResults, type AttemptRecord } from './feature-result.js';
import type { FeatureObserver } from './job-launcher.js';
import { parseReport } from './parse-report.js';
import { createReportChannel, type ReportChannel } from './report-channel.js';

/** How much of each stream a result carries; the whole stream goes to the observer as it arrives. */
export const OUTPUT_TAIL_BYTES = 256 * 1024;
/** A Cucumber JSON report larger than this is refused rather than read into memory. */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

export interface AttemptInput {
  /** The feature it runs, or with --batch the features one runner invocation runs together. */
  files: readonly string[];
  /** With --split scenarios: the line of the one scenario of the feature it runs. */
  line?: number;
  attempt: number;
  spec: RunSpec;
  observer: FeatureObserver;
  /** Where its report comes from: the command's file at the spec's reportPath (the default), or a warm worker's own. */
  reportSource?: 'command' | 'worker';
}

/**
 * One attempt of a job, whatever runs it (a container of its own: actors/feature-machine.ts; a warm worker:
 * worker/worker-job.ts). It owns what the two must agree on: the deadline (--timeout, one budget from the
 * attempt's start), the evidence (the streams and their tails, the framed report and collected files, the exit,
 * what went wrong, why it was stopped) and, from it, the attempt's results (feature-result.ts). A runner only
 * says what happened, in the order it happened; the first problem and the first stop reason stand.
 */
export class Attempt {
  private began = Date.now();
  /** Names this attempt's framed sections on stderr (its report, its collected files): output cannot guess it. */
  readonly nonce = randomBytes(12).toString('hex');
  readonly reportChannel: ReportChannel;
  /** Where the attempt's time went, phase by phase (see domain/attempt-phases.ts): its runner times them. */
  readonly clock = new PhaseClock<AttemptPhaseName>();
  private readonly artifactChannel: ReportChannel;
  /** With --collect: the files of the artifact channel's section, handed to the observer as they arrive. */
  private readonly artifactStream?: ArtifactStream;
  /** Where a failed --before-command tells its code: its channel's nonce is this attempt's, unlike any output. */
  private readonly beforeChannel = createReportChannel(randomBytes(12).toString('hex'), 64, 'before');
  private readonly stdoutTail = new OutputTailBuffer(OUTPUT_TAIL_BYTES);
  private readonly stderrTail = new OutputTailBuffer(OUTPUT_TAIL_BYTES);
  private exit?: ContainerExit;
  private exitedAs?: string;
  private beforeCommandExit?: number;
  private supportLoadError?: string;
  private node?: string;
  private report: CucumberJson | null = null;
  private messages?: string;
  private artifacts?: CollectedArtifacts;
  private problem?: string;
  private engineFailure = false;
  private reason?: StopReason;
  private startedRunningAt?: number;
  private endedAt?: number;

  constructor(readonly input: AttemptInput) {
    this.reportChannel = createReportChannel(this.nonce, MAX_REPORT_BYTES);
    // With --collect, the section streams into an ArtifactStream as it arrives: each collected file goes to the
    // observer piece by piece (a batch's, as its first feature's) and never waits whole in memory.
    const { collect, collectMaxBytes } = input.spec;
    this.artifactStream =
      collect.length === 0
        ? undefined
        : new ArtifactStream(collectMaxBytes, collect, (piece) =>
            input.observer.artifact?.(this.file, input.attempt, piece),
          );
    const stream = this.artifactStream;
    this.artifactChannel = createReportChannel(
      randomBytes(12).toString('hex'),
      base64Budget(collectMaxBytes),
      'artifacts',
      stream && ((bytes) => stream.write(bytes)),
    );
  }

  get spec(): RunSpec {
    return this.input.spec;
  }

  /** When the attempt began: its deadline and its duration count from here. */
  get startedAt(): number {
    return this.began;
  }

  /**
   * Its job got its slot: an attempt whose container was made ahead of it (actors/prepared-container.ts) begins
   * now, so that waiting for the slot counts against neither its --timeout nor its duration.
   */
  admitted(): void {
    this.began = Date.now();
  }

  /** The path its output and states are reported under: a batch's one process is logged as its first feature. */
  get file(): string {
    return this.input.files[0]!;
  }

  /** Tells the observer of a state of every feature of the attempt. */
  notify(state: FeatureState): void {
    for (const file of this.input.files) this.input.observer.state(file, this.input.attempt, state);
  }

  /** The environment that tells the command what it runs (see container-spec.ts). */
  env(): Record<string, string> {
    return attemptEnv(this.input.files, this.input.line, this.input.attempt);
  }

  /** The script of a container of its own: the command, then the trailer that frames the report and collected files. */
  script(): string {
    const { spec } = this;
    return featureScript({
      command: spec.command,
      files: this.input.files,
      line: this.input.line,
      selectedLines: spec.selectedLines,
      reportPath: spec.reportPath,
      tags: spec.tags,
      only: spec.onlyGivenFiles,
      beforeCommand: spec.beforeCommand,
      beforeChannel: this.beforeChannel,
      trailer: this.reportChannel.trailer(
        spec.reportPath,
        spec.collect.length === 0
          ? []
          : [this.artifactChannel.section(collectCommand(spec.collect, spec.collectMaxBytes))],
      ),
    });
  }

  /** The sinks for the raw output of a process that frames its sections on stderr: the user's part goes on. */
  sinks(): OutputSinks {
    const channels = [this.reportChannel, this.artifactChannel, this.beforeChannel];
    const through = (chunk: Buffer, from = 0) =>
      channels.slice(from).reduce((data, channel) => channel.filter(data), chunk);
    return {
      stdout: (chunk) => this.stdout(chunk),
      stderr: (chunk) => this.stderr(through(chunk)),
      end: () => {
        // What a channel held back in case it began a marker is the user's, unless a later channel claims it.
        for (const [index, channel] of channels.entries()) this.stderr(through(channel.flush(), index + 1));
      },
    };
  }

  /** The user's stdout, as it arrives. */
  stdout(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.stdoutTail.push(chunk);
    this.input.observer.output(this.file, this.input.attempt, 'stdout', chunk);
  }

  /** The user's stderr, once framed sections are taken out. */
  stderr(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.stderrTail.push(chunk);
    this.input.observer.output(this.file, this.input.attempt, 'stderr', chunk);
  }

  /** The stderr seen so far (its tail), for evidence read from it before the attempt ends. */
  get stderrText(): string {
    return this.stderrTail.toTail().text;
  }

  /** How long the attempt may still take, or undefined without --timeout. */
  remainingMs(): number | undefined {
    const { timeoutMs } = this.spec;
    return timeoutMs === undefined ? undefined : Math.max(0, this.startedAt + timeoutMs - Date.now());
  }

  /** The deadline passed: `when` says what it cut short, when not the command itself. */
  timedOut(when?: string): void {
    this.fail(
      `timed out after ${formatDuration(this.spec.timeoutMs ?? 0)}${when === undefined ? '' : ` ${when}`}`,
      false,
    );
  }

  /** Something went wrong on baleen's side; `engine` when the container engine failed. The first cause stands. */
  fail(problem: string, engine: boolean): void {
    if (this.problem !== undefined) return;
    this.problem = problem;
    this.engineFailure = engine;
  }

  /** The run asked it to stop. The first reason stands: an interrupt after fail-fast does not make it cancelled. */
  stop(reason: StopReason): void {
    this.reason ??= reason;
  }

  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  /** Its command started running, on `node` when known. */
  running(node?: string): void {
    this.startedRunningAt = Date.now();
    if (node !== undefined) this.node = node;
  }

  /** When its command started running, if it did. */
  get runningAt(): number | undefined {
    return this.startedRunningAt;
  }

  /** Its command no longer runs (if it ever ran): the first call stands. */
  ended(): void {
    if (this.endedAt === undefined && this.startedRunningAt !== undefined) this.endedAt = Date.now();
  }

  /** How its process exited; `as` words it when that process was not the command itself (a warm worker). */
  exited(exit: ContainerExit, as?: string): void {
    this.exit = exit;
    this.exitedAs = as;
  }

  /** The --before-command failed with this code (told on a channel of its runner's): the command never ran. */
  beforeCommandFailed(code: number): void {
    this.beforeCommandExit = code;
  }

  /** The suite's support code failed to load on the warm worker that was to run it, with this error. */
  supportFailedToLoad(error: string): void {
    this.supportLoadError = error;
  }

  /** The report's name in a message. */
  private get reportName(): string {
    return this.input.reportSource === 'worker' ? "its warm worker's JSON report" : this.spec.reportPath;
  }

  /**
   * Reads the report: the one framed on stderr, else `fallback` (a command that `exec`s, or wrote none, never
   * returned to the shell that frames it), and the files --collect brought back. A report that cannot be read
   * is a problem of its own; a collection that cannot be, a note.
   */
  async collect(fallback: () => Promise<Buffer | undefined> = () => Promise.resolve(undefined)): Promise<void> {
    try {
      if (this.reportChannel.overflow) throw new Error(`the report is over the limit of ${MAX_REPORT_BYTES} bytes`);
      const bytes = this.reportChannel.report() ?? (await fallback());
      if (bytes !== undefined) {
        const parsed = parseReport(bytes, this.reportName);
        this.report = parsed.report;
        this.messages = parsed.messages;
      }
    } catch (error) {
      this.fail(`could not read the Cucumber report: ${messageOf(error)}`, false);
    }
    this.artifacts = await this.collectedArtifacts();
  }

  /** What --collect brought back; a command that never returned to its shell (an `exec`) sent nothing, and the result says so. */
  private async collectedArtifacts(): Promise<CollectedArtifacts | undefined> {
    const stream = this.artifactStream;
    if (stream === undefined) return undefined;
    if (this.artifactChannel.report() === undefined) {
      return stream.abandon(
        this.artifactChannel.overflow ? 'more than the cap came back' : 'the command did not return to its shell',
      );
    }
    // Whatever came back, the feature's report and verdict stand: a collection that cannot be read is a note.
    return stream.finish().catch((error: unknown) => ({ files: [], note: `nothing collected: ${messageOf(error)}` }));
  }

  /** Everything seen, for the judge and the results. */
  record(): AttemptRecord {
    const { files, line, attempt, spec, reportSource } = this.input;
    const stderr = this.stderrTail.toTail();
    const before = this.beforeCommandExit ?? beforeCommandExit(this.beforeChannel);
    return {
      files,
      ...(line === undefined ? {} : { line }),
      attempt,
      spec,
      ...(reportSource === undefined ? {} : { reportSource }),
      startedAt: this.startedAt,
      ...(this.exit === undefined ? {} : { exit: this.exit }),
      ...(this.exitedAs === undefined ? {} : { exitedAs: this.exitedAs }),
      ...(before === undefined ? {} : { beforeCommandExit: before }),
      ...(this.supportLoadError === undefined ? {} : { supportLoadError: this.supportLoadError }),
      ...(this.node === undefined ? {} : { node: this.node }),
      report: this.report,
      ...(this.messages === undefined ? {} : { messages: this.messages }),
      ...(this.artifacts === undefined ? {} : { artifacts: this.artifacts }),
      ...(this.problem === undefined ? {} : { problem: this.problem }),
      engineFailure: this.engineFailure,
      ...(this.reason === undefined ? {} : { stopReason: this.reason }),
      ...(this.startedRunningAt === undefined ? {} : { runningAt: this.startedRunningAt }),
      ...(this.endedAt === undefined ? {} : { endedAt: this.endedAt }),
      stdout: this.stdoutTail.toTail(),
      stderr,
      phases: this.clock.phases(),
    };
  }

  /** The attempt's results, one per feature, judged once. */
  results(): FeatureResult[] {
    return featureResults(this.record());
  }
}
