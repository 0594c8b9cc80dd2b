import { Attempt } from '../attempt/attempt.js';
import type { FeatureObserver, JobEvents, LaunchedJob } from '../attempt/job-launcher.js';
import { crashResult } from '../attempt/result-without-container.js';
import { jobPathArgument } from '../cucumber-cli/path-argument.js';
import type { FeatureResult } from '../domain/feature-run.js';
import type { Job } from '../domain/job.js';
import type { RunSpec } from '../domain/run-spec.js';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import type { RequestOutcome, WorkerContainer } from './worker-container.js';
import { SupportCodeUnloadable, type WorkerPool } from './worker-pool.js';

export interface WorkerJobInput {
  job: Job;
  spec: RunSpec;
  observer: FeatureObserver;
  events: JobEvents;
  pool: WorkerPool<WorkerContainer>;
}

/**
 * One attempt of one feature on a warm worker of its run: take a worker (an idle one, or a fresh one whose
 * support code then loads during this request), hand it the feature, wait for its answer, its end, the
 * deadline or a cancel, give the worker back (or remove it if it ended), then settle the feature. What the
 * attempt is (its deadline, evidence, verdict and result) is attempt/attempt.ts's, as for a feature's own
 * container. States, as a feature's own container would go: creating (taking a worker), running, stopping (a
 * timeout), collecting (reading the report), done. The slot is free from collecting on.
 */
export function launchWorkerJob(input: WorkerJobInput): LaunchedJob {
  const cancel = new AbortController();
  const { job, spec } = input;
  // The run spec refuses --batch with workers, and a retry is one feature: a worker job is one feature (or one
  // scenario of it, with --split scenarios).
  const run = new Attempt({
    files: job.files,
    ...(job.line === undefined ? {} : { line: job.line }),
    attempt: job.attempt,
    spec,
    observer: input.observer,
    reportSource: 'worker',
  });
  void runWorkerJob(input, run, cancel.signal).then(
    ({ results, final }) => {
      for (const result of results) input.events.settled(result, final);
    },
    (error: unknown) => {
      input.events.stopped();
      input.events.settled(crashResult(run.file, job.attempt, spec, error));
    },
  );
  return {
    cancel(reason) {
      run.stop(reason);
      cancel.abort(reason);
    },
  };
}

async function runWorkerJob(
  input: WorkerJobInput,
  run: Attempt,
  cancelled: AbortSignal,
): Promise<{ results: FeatureResult[]; final: boolean }> {
  const { job, spec, pool } = input;
  // The run's support code does not load (the pool gave up on it): no other attempt would go otherwise.
  let final = false;
  let slotFree = false;
  const freeSlot = () => {
    if (slotFree) return;
    slotFree = true;
    // Not from inside the dispatcher's own call: it may launch other jobs at once.
    queueMicrotask(input.events.stopped);
  };

  run.notify('creating');
  const taken = await run.clock
    .time('worker', () => pool.acquire(cancelled))
    .catch((error: unknown) => {
      if (error instanceof SupportCodeUnloadable) {
        final = true;
        run.fail(`not run: ${error.message}`, false);
        return undefined;
      }
      run.fail(
        `could not start a warm worker: ${error instanceof BaleenError ? error.toLine() : messageOf(error)}`,
        true,
      );
      return undefined;
    });
  if (taken !== undefined && run.stopReason !== undefined) await pool.release(taken.worker, input.events.queued());
  else if (taken !== undefined) {
    const { worker, fresh } = taken;
    run.notify('running');
    run.running(worker.node);
    const sinks = run.sinks();
    const request = worker.run(
      {
        id: run.nonce,
        paths: [jobPathArgument(run.file, job.line, spec.selectedLines[run.file])],
        env: run.env(),
        ...(spec.tags === undefined ? {} : { tags: spec.tags }),
      },
      sinks,
    );
    const first = await firstOf(request, run.remainingMs(), cancelled);
    run.ended();
    run.clock.add('run', run.runningAt!, Date.now());
    if (first === 'cancel') {
      // As a feature's own container: removed at once, its outcome is the cancel's.
      await pool.discard(worker);
    } else if (first === 'timeout') {
      run.notify('stopping');
      run.timedOut(fresh ? '(its worker was fresh: loading the support code counts)' : undefined);
      await worker.stop(spec.stopGraceSeconds).catch(() => undefined);
      await pool.discard(worker);
    } else {
      if (first.kind === 'worker-ended') await pool.discard(worker);
      else await pool.release(worker, input.events.queued());
      freeSlot();
      run.notify('collecting');
      sinks.end?.();
      readOutcome(first, worker, run);
      await run.collect();
    }
  }
  freeSlot();
  const results = run.results();
  run.notify('done');
  return { results, final };
}

/** Whichever comes first: the worker's answer (or end), the attempt's deadline, or a cancel. */
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

/**
 * What the worker's answer, or its end, shows of the feature, told as a feature's own container would tell it:
 * the process that ran it exited with this code. A worker that ended during the request is that process.
 */
function readOutcome(outcome: RequestOutcome, worker: WorkerContainer, run: Attempt): void {
  if (outcome.kind === 'answered') {
    run.exited(
      { exitCode: outcome.exitCode, oomKilled: false },
      outcome.exitCode === NO_RUN ? `its warm worker could not run it (exit code ${NO_RUN})` : undefined,
    );
    return;
  }
  // The before-command's failure comes before any request, on the worker's own channel.
  const beforeCode = worker.beforeCommandExit;
  if (beforeCode !== undefined) run.beforeCommandFailed(beforeCode);
  const loadError = worker.loadError;
  if (loadError !== undefined) run.supportFailedToLoad(loadError);
  if (outcome.exit === undefined) {
    run.fail(`its warm worker ended while running it: ${worker.describeEnd()}`, true);
    return;
  }
  const when = outcome.loaded ? 'while running it' : 'before its support code had loaded';
  run.exited(outcome.exit, `its warm worker exited with code ${outcome.exit.exitCode} ${when}`);
}

/** The worker's answer when cucumber-js itself threw (see warm-worker.mjs): no verdict on the scenarios. */
const NO_RUN = 2;
