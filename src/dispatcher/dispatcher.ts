import type { FeatureObserver } from '../attempt/job-launcher.js';
import { letsRunPass, type AttemptSummary, type FeatureResult, type StopReason } from '../domain/feature-run.js';
import type { RunSpec } from '../domain/run-spec.js';
import { firstAttempts } from './first-attempts.js';
import { scenarioName, type Job } from '../domain/job.js';
import type { JobLauncher, LaunchedJob, PreparedJob } from '../attempt/job-launcher.js';
import type { RunObserver, RunOutput } from './run-observer.js';
import { heldForReassembly, reassembleFeature, type ScenarioOutcome } from './reassemble-feature.js';
import { RunQueue } from './run-queue.js';
import { placeInLine, scheduleStep, type SchedulerState } from './schedule-step.js';
import { settleAttempt } from './settle-rules.js';

export interface DispatchedRun {
  cancel(): void;
  /** Settles once every feature has its final result and every container of the run is removed. */
  readonly finished: Promise<RunOutput>;
}

interface LiveJob {
  handle?: LaunchedJob;
  /** Which slot (0 to capacity - 1) it holds, until its container stops running; its result names it. */
  readonly slot: number;
  holding: boolean;
  /** Its features without a result yet: a batch settles feature by feature, and is over when none is left. */
  unsettled: number;
}

interface LiveRun {
  readonly runId: string;
  readonly spec: RunSpec;
  readonly observer: RunObserver;
  readonly queue: RunQueue;
  readonly live: Map<string, LiveJob>;
  readonly startedAt: number;
  readonly finish: (output: RunOutput) => void;
  held: number;
  /** Features without a final result yet. */
  remaining: number;
  anyUnsuccessful: boolean;
  stopReason?: StopReason;
  /** Earlier attempts of features (with --split scenarios, of scenarios, by `path:line`) being retried. */
  earlier: Map<string, AttemptSummary[]>;
  /** With --split scenarios: each feature's scenarios that have their final result, until all of them have. */
  scenariosDone: Map<string, ScenarioOutcome[]>;
  /** Jobs next in line whose containers the launcher made ahead, by `keyOf`, until each is admitted. */
  prepared: Map<string, PreparedJob>;
  /** Prepared jobs the run will not run (it stopped), being discarded: the run ends once they are gone. */
  discarding: Promise<void>[];
  /** The place in line last told to the observer; cleared for good once the run holds its first slot. */
  place?: number;
  started: boolean;
}

const keyOf = (job: Job) => `${job.attempt}\0${job.line ?? ''}\0${job.files.join('\0')}`;

/** What a job's attempt is known by in the run's events and earlier attempts: its feature, or its scenario's `path:line`. */
const nameOf = (job: Job, file: string) => (job.line === undefined ? file : scenarioName(file, job.line));

/**
 * The one place where scheduling is decided, for every run on the server. Each run's jobs wait in its own
 * queue (in the order the run names, from the predictions the client sent); whenever something changes (a run
 * submitted, a container stopped, a job settled, a run stopped) the dispatcher pumps:
 *
 * 1. Ask `scheduleStep` (pure) which runs get the free slots (capacity across runs, each run's concurrency,
 *    fair sharing: see its rules).
 * 2. For each slot granted, take the run's next job from its queue (retries first) and claim the slot.
 * 3. Only then launch the job's actor.
 * 4. Tell each run still waiting for its first slot its place in line.
 *
 * A job gives its slot back when its container stops running (the launcher says so), not when its report is
 * copied or its container removed. An attempt that ended is settled by `settleAttempt`'s rules (retry,
 * final, fail-fast). Actors are only ever created for admitted jobs, so a run of 100 000 features costs its
 * queue and nothing more until slots free up.
 *
 * With --split scenarios a job is one scenario of a feature: its states, output and retried attempts are told
 * to the observer under the scenario's `path:line`, each scenario is retried alone, and once every scenario
 * of a feature has its final result they are put back together into the feature's one result
 * (`reassembleFeature`), which is what the observer gets as final.
 */
export class Dispatcher {
  private readonly runs = new Map<string, LiveRun>();
  /** Which slots are held: numbered so that a run's results can be drawn as a timeline, a row per slot. */
  private readonly slotHeld: boolean[];
  private pumping = false;
  private pumpAgain = false;

  constructor(
    readonly capacity: number,
    private readonly launcher: JobLauncher,
  ) {
    this.slotHeld = new Array<boolean>(capacity).fill(false);
  }

  submit(runId: string, spec: RunSpec, observer: RunObserver): DispatchedRun {
    let finish!: (output: RunOutput) => void;
    const finished = new Promise<RunOutput>((resolve) => (finish = resolve));
    const run: LiveRun = {
      runId,
      spec,
      observer,
      queue: new RunQueue(runId, firstAttempts(spec)),
      live: new Map(),
      startedAt: Date.now(),
      finish,
      held: 0,
      remaining: spec.features.length,
      anyUnsuccessful: false,
      earlier: new Map(),
      scenariosDone: new Map(),
      prepared: new Map(),
      discarding: [],
      started: false,
    };
    this.runs.set(runId, run);
    this.pump();
    return { cancel: () => this.stop(run, 'interrupt'), finished };
  }

  /** Slots held now, across every run. */
  get busy(): number {
    let held = 0;
    for (const run of this.runs.values()) held += run.held;
    return held;
  }

  /** Jobs waiting for a slot, across every run. */
  get queued(): number {
    let queued = 0;
    for (const run of this.runs.values()) queued += run.queue.size;
    return queued;
  }

  /** Steps 1–4; re-entrant calls (a launch that settles at once) make the loop go round again instead. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        for (const runId of scheduleStep(this.state())) this.admit(this.runs.get(runId)!);
      } while (this.pumpAgain);
      this.prepareAhead();
      this.tellPlaces();
    } finally {
      this.pumping = false;
    }
  }

  private state(): SchedulerState {
    return {
      capacity: this.capacity,
      runs: [...this.runs.values()].map((run) => ({
        runId: run.runId,
        held: run.held,
        concurrency: run.spec.concurrency,
        queued: run.queue.size,
        stopping: run.stopReason !== undefined,
      })),
    };
  }

  private admit(run: LiveRun): void {
    const job = run.queue.take();
    if (!job) return;
    run.held++;
    run.started = true;
    // scheduleStep never grants more slots than are free, so there is one.
    const entry: LiveJob = { slot: this.slotHeld.indexOf(false), holding: true, unsettled: job.files.length };
    this.slotHeld[entry.slot] = true;
    run.live.set(keyOf(job), entry);
    const prepared = run.prepared.get(keyOf(job));
    run.prepared.delete(keyOf(job));
    entry.handle = this.launcher.launch(
      job,
      run.spec,
      observerOf(run.observer, job, entry.slot),
      {
        stopped: () => this.release(run, entry),
        settled: (result, final) => this.settled(run, job, entry, { ...result, slot: entry.slot }, final),
        queued: () => run.queue.size,
      },
      prepared,
    );
  }

  /**
   * Has the launcher make the containers of the jobs next in line while the run's containers run: as many as
   * the run holds slots (each running job's successor), so that a slot that frees only has to start one. A
   * run that is stopping prepares nothing; one whose next jobs change (a retry goes first) keeps what it
   * prepared until those jobs' turn.
   */
  private prepareAhead(): void {
    if (!this.launcher.prepare) return;
    for (const run of this.runs.values()) {
      if (run.stopReason !== undefined || run.held === 0) continue;
      for (const job of run.queue.peek(run.held)) {
        const key = keyOf(job);
        if (run.prepared.has(key)) continue;
        const prepared = this.launcher.prepare(job, run.spec);
        if (prepared) run.prepared.set(key, prepared);
      }
    }
  }

  private release(run: LiveRun, entry: LiveJob): void {
    if (!entry.holding) return;
    entry.holding = false;
    this.slotHeld[entry.slot] = false;
    run.held--;
    this.pump();
  }

  /** One feature of the job has its result (a batch's features settle one by one, each by the same rules). */
  private settled(run: LiveRun, job: Job, entry: LiveJob, result: FeatureResult, final = false): void {
    const file = result.file;
    // The job is no longer live once its last feature settles (a fail-fast it causes cancels the others only).
    const last = --entry.unsettled === 0;
    if (last) run.live.delete(keyOf(job));
    // An attempt no other could change (the launcher says so) has no retries left.
    const decision = settleAttempt(result.status, result.attempt, {
      retries: final ? 0 : run.spec.retries,
      failFast: run.spec.failFast,
      stopping: run.stopReason !== undefined,
    });
    const name = nameOf(job, file);
    const earlier = run.earlier.get(name) ?? [];
    if (decision.kind === 'retry') {
      run.observer.result({ ...result, file: name }, false);
      run.earlier.set(name, [...earlier, summaryOf(result)]);
      // A feature of a batch, or a scenario, is retried alone: its fresh container runs nothing else.
      run.queue.pushRetry({
        runId: run.runId,
        files: [file],
        ...(job.line === undefined ? {} : { line: job.line }),
        attempt: job.attempt + 1,
      });
      run.observer.state(name, job.attempt + 1, 'queued');
    } else {
      run.earlier.delete(name);
      this.final(
        run,
        { ...result, previousAttempts: earlier, flaky: result.status === 'passed' && earlier.length > 0 },
        job.line,
      );
      if (decision.stopRun) this.stop(run, 'fail-fast');
    }
    // Settling frees the slot too, if the container never said it stopped.
    if (last && entry.holding) this.release(run, entry);
    else this.pump();
    this.finishIfDone(run);
  }

  /** A feature's final result; a scenario's (`line`) waits for its feature's other scenarios, then they are one. */
  private final(run: LiveRun, result: FeatureResult, line?: number): void {
    if (line !== undefined) {
      const expected = run.spec.expectedScenarioLines[result.file] ?? [];
      const done = run.scenariosDone.get(result.file) ?? [];
      done.push({ line, result: heldForReassembly(result, expected.length) });
      if (done.length < expected.length) {
        run.scenariosDone.set(result.file, done);
        return;
      }
      run.scenariosDone.delete(result.file);
      result = reassembleFeature(result.file, done, expected);
    }
    run.remaining--;
    run.anyUnsuccessful ||= !letsRunPass(result.status);
    run.observer.result(result, true);
  }

  /** Cancel (interrupt) or fail-fast: nothing new starts, live jobs are cancelled, queued ones settle now. */
  private stop(run: LiveRun, reason: StopReason): void {
    // After fail-fast the run is stopping already; its outcome stays "failed", not "interrupted".
    if (run.stopReason !== undefined || !this.runs.has(run.runId)) return;
    run.stopReason = reason;
    for (const job of run.queue.drain()) {
      for (const file of job.files) {
        const name = nameOf(job, file);
        const earlier = run.earlier.get(name) ?? [];
        run.earlier.delete(name);
        this.final(
          run,
          { ...this.launcher.unstarted({ ...job, files: [file] }, run.spec, reason), previousAttempts: earlier },
          job.line,
        );
      }
    }
    discardPrepared(run);
    for (const entry of run.live.values()) entry.handle?.cancel(reason);
    this.finishIfDone(run);
  }

  private finishIfDone(run: LiveRun): void {
    if (run.remaining > 0 || run.live.size > 0 || !this.runs.has(run.runId)) return;
    this.runs.delete(run.runId);
    // Every job ran or was drained: nothing prepared is left, but should a job have been, it goes too.
    discardPrepared(run);
    const status = run.stopReason === 'interrupt' ? 'interrupted' : run.anyUnsuccessful ? 'failed' : 'passed';
    const durationMs = Date.now() - run.startedAt;
    // The run is over once what the launcher keeps for it across jobs (warm workers) is gone too, and what
    // it made ahead for jobs that never ran.
    void Promise.all(run.discarding)
      .then(() => this.launcher.runEnded(run.runId))
      .then(() => run.finish({ status, durationMs }));
    this.pump();
  }

  private tellPlaces(): void {
    const state = this.state();
    for (const run of this.runs.values()) {
      if (run.started) continue;
      const place = placeInLine(state, run.runId);
      if (place === undefined || place === run.place) continue;
      run.place = place;
      run.observer.waiting(place);
    }
  }
}

/** What was made ahead for the run's jobs that will not run now goes; the run ends once it is gone. */
function discardPrepared(run: LiveRun): void {
  for (const prepared of run.prepared.values()) run.discarding.push(prepared.discard());
  run.prepared.clear();
}

/**
 * The run's observer as a job's: its states name the slot it holds. A scenario job's states and output go by
 * the scenario's `path:line`, so that its feature's other scenarios, running beside it, stay apart.
 */
function observerOf(observer: RunObserver, job: Job, slot: number): FeatureObserver {
  const { line } = job;
  const name = (file: string) => (line === undefined ? file : scenarioName(file, line));
  return {
    state: (file, attempt, state) => observer.state(name(file), attempt, state, slot),
    output: (file, attempt, stream, chunk) => observer.output(name(file), attempt, stream, chunk),
    artifact: (file, attempt, piece) => observer.artifact?.(name(file), attempt, piece),
  };
}

const summaryOf = (result: FeatureResult): AttemptSummary => ({
  attempt: result.attempt,
  status: result.status,
  exitCode: result.exitCode,
  durationMs: result.durationMs,
  ...(result.error === undefined ? {} : { error: result.error }),
});
