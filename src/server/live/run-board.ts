import type { FeatureResult, FeatureState, ScenarioJob } from '../../domain/feature-run.js';
import { parseWorkName } from '../../domain/job.js';
import type { RunInfo } from '../../domain/run-outcome.js';
import { failureGist } from '../../cucumber-json/scenarios.js';
import { logPath } from '../../reporters/files/log-path.js';
import { storedFileLink } from '../store/stored-link.js';
import type { Reporter } from '../../reporters/reporter.js';
import type { RunWatcher } from '../run-watch.js';
import type { BoardEvent, FeatureView, JobView, RunView, ScenarioView } from './board-views.js';

const SLOT_RELEASED: ReadonlySet<FeatureState> = new Set(['collecting', 'removing', 'done']);

/** A scenario job in these states has not started, or has ended: its feature runs only while one is in another. */
const IDLE: ReadonlySet<FeatureState> = new Set(['queued', 'done']);

/** Finished runs the page still shows (older ones are in the data dir, if there is one). */
const RECENT_RUNS = 20;

/**
 * Finished runs whose state the run API still answers from memory (`GET /api/runs/<id>`): the newest this
 * many, fewer when they hold more than KEPT_FEATURES features together, so that memory stays bounded.
 */
export const KEPT_RUNS = 100;
export const KEPT_FEATURES = 100_000;

/**
 * What the live page shows: the running runs and the recent ones, each feature's state as it changes, the
 * slot (lane) each container held, and where its logs and report are. Listeners get every change.
 */
export class RunBoard implements RunWatcher {
  private readonly runs = new Map<string, RunView>();
  private readonly listeners = new Set<(event: BoardEvent) => void>();

  /** `stored`: whether runs are kept in a data dir (then their logs and report have links). */
  constructor(private readonly stored: boolean) {}

  /** What the page shows: the running runs and the RECENT_RUNS newest finished ones, newest first. */
  snapshot(): RunView[] {
    let finished = 0;
    return [...this.runs.values()].reverse().filter((run) => run.status === 'running' || ++finished <= RECENT_RUNS);
  }

  /** A run the board still has (running, or among the kept finished runs). */
  get(runId: string): RunView | undefined {
    return this.runs.get(runId);
  }

  /** The ids of every run the board has. */
  runIds(): string[] {
    return [...this.runs.keys()];
  }

  subscribe(listener: (event: BoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchRun(info: RunInfo): Reporter {
    const run: RunView = {
      runId: info.runId,
      image: info.image,
      status: 'running',
      startedAt: info.startedAt.getTime(),
      concurrency: info.concurrency,
      ...(this.stored ? { report: `/runs/${info.runId}/` } : {}),
      features: Object.fromEntries(
        info.features.map((file) => {
          const jobs = info.scenarioJobs?.[file];
          return [
            file,
            {
              file,
              attempt: 1,
              state: 'queued' as const,
              ...(jobs === undefined ? {} : { scenarioJobs: jobs, scenarios: {} }),
            },
          ];
        }),
      ),
    };
    this.runs.set(run.runId, run);
    this.forgetOldRuns();
    this.tell({ type: 'run', run });
    const lanes = new Lanes();
    /** A container's part of a row after a state change: a new attempt starts afresh; its slot is a lane. */
    const advance = <T extends JobView>(
      before: T,
      fresh: T,
      name: string,
      { attempt, state, at, slot }: { attempt: number; state: FeatureState; at: number; slot?: number },
    ): T => {
      const job: T = before.attempt === attempt ? { ...before, state } : fresh;
      if (state === 'creating' || (job.lane === undefined && !IDLE.has(state))) {
        job.lane = lanes.take(slot);
        job.startedAt = at;
        if (this.stored) job.logs = this.logLinks(run.runId, name, attempt);
      }
      // The run hands a container's slot on once the container's command is over; its bar ends where the
      // container is done with (the next one in the slot may have started: the server says which slot it holds).
      if (SLOT_RELEASED.has(state) && job.endedAt === undefined && job.lane !== undefined) {
        job.endedAt = at;
        lanes.free(job.lane, slot);
      }
      return job;
    };
    return {
      onFeatureState: (change) => {
        const { file, line } = parseWorkName(change.file);
        const feature = run.features[file];
        // With --split scenarios a job's name is `path:line`: a row under its feature's, which runs while any does.
        if (line !== undefined && feature?.scenarios !== undefined) {
          const fresh: ScenarioView = { line, attempt: change.attempt, state: change.state };
          const scenario = advance(feature.scenarios[line] ?? fresh, fresh, change.file, change);
          feature.scenarios[line] = scenario;
          this.tell({ type: 'scenario', runId: run.runId, file, scenario });
          const state = Object.values(feature.scenarios).some((job) => !IDLE.has(job.state)) ? 'running' : 'queued';
          if (state !== feature.state && feature.status === undefined) this.update(run, { ...feature, state });
          return;
        }
        const fresh: FeatureView = { file: change.file, attempt: change.attempt, state: change.state };
        this.update(run, advance(run.features[change.file] ?? fresh, fresh, change.file, change));
      },
      onFeatureResult: (result) => {
        // A batch's output is logged once, as its first feature's (see LogsReporter): link to that log.
        const logs =
          this.stored && result.batchFirst !== undefined
            ? { logs: this.logLinks(run.runId, result.batchFirst, result.attempt) }
            : {};
        const before = run.features[result.file]!;
        const scenarios =
          before.scenarios === undefined ? {} : { scenarios: settledScenarios(before.scenarios, result) };
        // Final: a feature that never started (cancelled, skipped by fail-fast) is done too.
        this.update(run, { ...before, state: 'done', ...outcomeOf(result), ...logs, ...scenarios });
      },
      onEnd: (outcome) => {
        run.status = outcome.status;
        run.durationMs = outcome.durationMs;
        this.tell({ type: 'run', run });
        this.forgetOldRuns();
      },
    };
  }

  private update(run: RunView, feature: FeatureView): void {
    run.features[feature.file] = feature;
    this.tell({ type: 'feature', runId: run.runId, feature });
  }

  private logLinks(runId: string, file: string, attempt: number): FeatureView['logs'] {
    const link = (stream: 'stdout' | 'stderr') => storedFileLink(runId, logPath(file, attempt, stream));
    return { stdout: link('stdout'), stderr: link('stderr') };
  }

  /** Drops the oldest finished runs past KEPT_RUNS or KEPT_FEATURES; running runs stay whatever their size. */
  private forgetOldRuns(): void {
    const finished = [...this.runs.values()].filter((run) => run.status !== 'running');
    let features = finished.reduce((sum, run) => sum + Object.keys(run.features).length, 0);
    let runs = finished.length;
    for (const run of finished) {
      if (runs <= KEPT_RUNS && features <= KEPT_FEATURES) break;
      this.runs.delete(run.runId);
      runs--;
      features -= Object.keys(run.features).length;
    }
  }

  private tell(event: BoardEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/**
 * The timeline's lanes of one run: a lane per server slot the run's containers held (the dispatcher names the
 * slot in each state change), numbered from 0 in the order the run first used them, so that containers that ran
 * one after another in the same slot share a lane. A server that names no slot (an older one): the lowest lane
 * free of a container not done yet.
 */
class Lanes {
  private readonly bySlot = new Map<number, number>();
  private readonly held: boolean[] = [];

  take(slot: number | undefined): number {
    if (slot !== undefined) {
      const known = this.bySlot.get(slot);
      if (known !== undefined) return known;
      const lane = this.bySlot.size;
      this.bySlot.set(slot, lane);
      return lane;
    }
    let lane = this.held.indexOf(false);
    if (lane === -1) lane = this.held.length;
    this.held[lane] = true;
    return lane;
  }

  free(lane: number, slot: number | undefined): void {
    if (slot === undefined) this.held[lane] = false;
  }
}

/** A split feature's scenario rows once its result is in: each with its job's final status and error. */
function settledScenarios(
  scenarios: Record<string, ScenarioView>,
  result: FeatureResult,
): Record<string, ScenarioView> {
  const settled = { ...scenarios };
  // A scenario that never started (fail-fast, Ctrl-C) gets its row here, with its status.
  for (const job of result.scenarioJobs ?? [])
    settled[job.line] = {
      ...(settled[job.line] ?? { line: job.line, state: 'done' }),
      attempt: job.attempt,
      ...jobOutcome(job),
    };
  return settled;
}

function jobOutcome(job: ScenarioJob): Partial<ScenarioView> {
  return {
    status: job.status,
    ...(job.error === undefined ? {} : { error: job.error }),
    ...(job.node === undefined ? {} : { node: job.node }),
  };
}

/** A result as the page shows it: the status, and for a failure its first failed scenario or baleen's reason. */
function outcomeOf(result: FeatureResult): Partial<FeatureView> {
  const failure = failureGist(result.cucumberJson ?? []);
  return {
    status: result.status,
    durationMs: result.durationMs,
    ...(result.flaky ? { flaky: true } : {}),
    ...(failure ? { failure } : {}),
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(result.node === undefined ? {} : { node: result.node }),
  };
}
