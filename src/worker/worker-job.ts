import { classifyOutcome } from '../actors/classify-outcome.js';
import { beforeCommandFailure } from '../actors/feature-script.js';
import { MAX_REPORT_BYTES, OUTPUT_TAIL_BYTES, type FeatureObserver } from '../actors/feature-machine.js';
import { parseReport } from '../actors/parse-report.js';
import { crashResult } from '../actors/result-without-container.js';
import type { CucumberJson } from '../cucumber-json/schema.js';
import { cucumberLineArgument, cucumberPathArgument } from '../cucumber-cli/path-argument.js';
import type { Job } from '../domain/job.js';
import type { JobEvents, LaunchedJob } from '../dispatcher/job-launcher.js';
import type { FeatureResult, FeatureState, StopReason } from '../domain/feature-run.js';
import type { RunSpec } from '../domain/run-spec.js';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import type { ContainerExit } from '../runtime/container-runtime.js';
import { OutputTailBuffer } from '../util/output-tail.js';
import { PhaseClock } from '../util/phase-clock.js';
import type { AttemptPhaseName } from '../domain/attempt-phases.js';
import { formatDuration } from '../util/text.js';
import type { RequestOutcome, WorkerContainer } from './worker-container.js';
import type { WorkerPool } from './worker-pool.js';

/** Where a worker's report comes from, for a verdict that names it (the worker writes it to a file of its own). */
const WORKER_REPORT = "its warm worker's JSON report";

export interface WorkerJobInput {
  job: Job;
  spec: RunSpec;
  observer: FeatureObserver;
  events: JobEvents;
  pool: WorkerPool<WorkerContainer>;
}

/** Everything seen of one feature's request, judged by the same rules as a feature's own container. */
interface Evidence {
  exit?: ContainerExit;
  /** The worker's exit code when it ended during the request. */
  endedWith?: number;
  report: CucumberJson | null;
  messages?: string;
  problem?: string;
  engineFailure: boolean;
  runningAt?: number;
  endedAt?: number;
}

/**
 * One attempt of one feature on a warm worker of its run: take a worker (an idle one, or a fresh one whose
 * support code then loads during this request), hand it the feature, wait for its answer, its end, the
 * timeout or a cancel, give the worker back (or remove it if it ended), then settle the feature by the rules
 * of actors/classify-outcome.ts. States, as a feature's own container would go: creating (taking a worker),
 * running, stopping (a timeout), collecting (reading the report), done. The slot is free from collecting on.
 */
export function launchWorkerJob(input: WorkerJobInput): LaunchedJob {
  const cancel = new AbortController();
  let stopReason: StopReason | undefined;
  const file = input.job.files[0]!;
  void runWorkerJob(input, cancel.signal, () => stopReason).then(
    (result) => input.events.settled(result),
    (error: unknown) => {
      input.events.stopped();
      input.events.settled(crashResult(file, input.job.attempt, error));
    },
  );
  return {
    cancel(reason) {
      // The first reason stands: an interrupt after fail-fast does not make a skipped feature a cancelled one.
      stopReason ??= reason;
      cancel.abort(reason);
    },
  };
}

async function runWorkerJob(
  input: WorkerJobInput,
  cancelled: AbortSignal,
  stopReason: () => StopReason | undefined,
): Promise<FeatureResult> {
  const { job, spec, observer, pool } = input;
  // The run spec refuses --batch with workers, and a retry is one feature: a worker job is one feature (or one
  // scenario of it, with --split scenarios).
  const file = job.files[0]!;
  const notify = (state: FeatureState) => observer.state(file, job.attempt, state);
  const startedAt = Date.now();
  const stdout = new OutputTailBuffer(OUTPUT_TAIL_BYTES);
  const stderr = new OutputTailBuffer(OUTPUT_TAIL_BYTES);
  const evidence: Evidence = { report: null, engineFailure: false };
  const clock = new PhaseClock<AttemptPhaseName>();
  let slotFree = false;
  const freeSlot = () => {
    if (slotFree) return;
    slotFree = true;
    // Not from inside the dispatcher's own call: it may launch other jobs at once.
    queueMicrotask(input.events.stopped);
  };

  notify('creating');
  const taken = await clock
    .time('worker', () => pool.acquire(cancelled))
    .catch((error: unknown) => {
      evidence.problem = `could not start a warm worker: ${error instanceof BaleenError ? error.toLine() : messageOf(error)}`;
      evidence.engineFailure = true;
      return undefined;
    });
  if (taken !== undefined && stopReason() !== undefined) await pool.release(taken.worker);
  else if (taken !== undefined) {
    const { worker, fresh } = taken;
    notify('running');
    evidence.runningAt = Date.now();
    const request = worker.run(
      [pathArgument(file, job.line)],
      {
        stdout: (chunk) => {
          stdout.push(chunk);
          observer.output(file, job.attempt, 'stdout', chunk);
        },
        stderr: (chunk) => {
          stderr.push(chunk);
          observer.output(file, job.attempt, 'stderr', chunk);
        },
      },
      spec.tags,
    );
    const first = await firstOf(request, spec.timeoutMs, cancelled);
    evidence.endedAt = Date.now();
    clock.add('run', evidence.runningAt, evidence.endedAt);
    if (first === 'cancel') {
      // As a feature's own container: removed at once, its outcome is the cancel's.
      await pool.discard(worker);
    } else if (first === 'timeout') {
      notify('stopping');
      evidence.problem = `timed out after ${formatDuration(spec.timeoutMs!)}${fresh ? ' (its worker was fresh: loading the support code counts)' : ''}`;
      await worker.stop(spec.stopGraceSeconds).catch(() => undefined);
      await pool.discard(worker);
    } else {
      if (first.kind === 'worker-ended') await pool.discard(worker);
      else await pool.release(worker);
      freeSlot();
      notify('collecting');
      readOutcome(first, worker, evidence, stderr.toTail().text);
    }
  }
  freeSlot();
  const outcome = classifyOutcome({
    exit: evidence.exit,
    report: evidence.report,
    problem: evidence.problem,
    stopReason: stopReason(),
    stderrTail: stderr.toTail().text,
    reportPath: WORKER_REPORT,
    file,
    image: spec.image,
    // A scenario job (--split scenarios) is judged by its one scenario.
    expectedLines: job.line === undefined ? spec.expectedScenarioLines[file] : [job.line],
    reportExpected: true,
  });
  notify('done');
  return {
    file,
    attempt: job.attempt,
    status: outcome.status,
    flaky: false,
    previousAttempts: [],
    exitCode: evidence.exit?.exitCode ?? evidence.endedWith ?? null,
    durationMs: Date.now() - startedAt,
    stdout: stdout.toTail(),
    stderr: stderr.toTail(),
    cucumberJson: evidence.report,
    ...(evidence.messages === undefined ? {} : { cucumberMessages: evidence.messages }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    engineFailure: evidence.engineFailure && outcome.status === 'error',
    ...(evidence.runningAt === undefined ? {} : { containerStartedAt: evidence.runningAt }),
    ...(evidence.endedAt === undefined ? {} : { containerEndedAt: evidence.endedAt }),
    phases: clock.phases(),
  };
}

/** The feature's path (with --split scenarios, `path:line`) as cucumber-js reads exactly it (the run spec refuses paths it cannot). */
function pathArgument(file: string, line: number | undefined): string {
  const argument = line === undefined ? cucumberPathArgument(file) : cucumberLineArgument(file, line);
  if (!argument.ok) throw new Error(`${file}: ${argument.reason}`);
  return argument.argument;
}

/** Whichever comes first: the worker's answer (or end), the feature's --timeout, or a cancel. */
function firstOf(
  request: Promise<RequestOutcome>,
  timeoutMs: number | undefined,
  cancelled: AbortSignal,
): Promise<RequestOutcome | 'timeout' | 'cancel'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const interruption = new Promise<'timeout' | 'cancel'>((resolve) => {
    if (timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    onAbort = () => resolve('cancel');
    if (cancelled.aborted) onAbort();
    else cancelled.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([request, interruption]).finally(() => {
    clearTimeout(timer);
    cancelled.removeEventListener('abort', onAbort!);
  });
}

/** What the worker's answer, or its end, shows of the feature. */
function readOutcome(outcome: RequestOutcome, worker: WorkerContainer, evidence: Evidence, stderrTail: string): void {
  if (outcome.kind === 'worker-ended') {
    // Nothing shows that the feature finished: an error naming the worker's end, whatever its exit code. The
    // before-command's failure may have come before the request, as the worker's own output.
    const beforeCode = beforeCommandFailure(`${worker.stderrOutsideRequests}\n${stderrTail}`);
    const before = worker.ready ? '' : ', before its support code had loaded (see the stderr)';
    evidence.problem =
      beforeCode === undefined
        ? `its warm worker ended while running it: ${worker.describeEnd()}${before}`
        : `--before-command ${beforeCode === 0 ? 'ended the shell (exit 0)' : `failed with exit code ${beforeCode}`}, so its warm worker never started`;
    evidence.endedWith = outcome.exit?.exitCode;
    evidence.engineFailure = outcome.exit === undefined;
    return;
  }
  if (outcome.exitCode === NO_RUN) {
    evidence.problem = 'its warm worker could not run it (see the stderr)';
    evidence.endedWith = outcome.exitCode;
    return;
  }
  evidence.exit = { exitCode: outcome.exitCode, oomKilled: false };
  if (outcome.reportOverflow) {
    evidence.problem = `could not read the Cucumber report: the report is over the limit of ${MAX_REPORT_BYTES} bytes`;
    return;
  }
  if (outcome.report === undefined) return;
  try {
    Object.assign(evidence, parseReport(outcome.report, WORKER_REPORT));
  } catch (error) {
    evidence.problem = `could not read the Cucumber report: ${messageOf(error)}`;
  }
}

/** The worker's answer when cucumber-js itself threw (see warm-worker.mjs): no verdict on the scenarios. */
const NO_RUN = 2;
