import type { FeatureResult, FeatureState } from '../../domain/feature-run.js';
import type { RunInfo } from '../../domain/run-outcome.js';
import { scenariosOf } from '../../cucumber-json/scenarios.js';
import { logPath } from '../../reporters/files/log-path.js';
import type { Reporter } from '../../reporters/reporter.js';
import type { RunWatcher } from '../run-watch.js';
import type { BoardEvent, FeatureView, RunView } from './board-views.js';

const SLOT_RELEASED: ReadonlySet<FeatureState> = new Set(['collecting', 'removing', 'done']);

/** Finished runs the page still shows (older ones are in the data dir, if there is one). */
const RECENT_RUNS = 20;

/**
 * What the live page shows: the running runs and the recent ones, each feature's state as it changes, the
 * slot (lane) each container held, and where its logs and report are. Listeners get every change.
 */
export class RunBoard implements RunWatcher {
  private readonly runs = new Map<string, RunView>();
  private readonly listeners = new Set<(event: BoardEvent) => void>();

  /** `stored`: whether runs are kept in a data dir (then their logs and report have links). */
  constructor(private readonly stored: boolean) {}

  snapshot(): RunView[] {
    return [...this.runs.values()].reverse();
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
      features: Object.fromEntries(info.features.map((file) => [file, { file, attempt: 1, state: 'queued' as const }])),
    };
    this.runs.set(run.runId, run);
    this.forgetOldRuns();
    this.tell({ type: 'run', run });
    const lanes: boolean[] = [];
    return {
      onFeatureState: ({ file, attempt, state, at }) => {
        const before = run.features[file];
        const feature: FeatureView = before && before.attempt === attempt ? { ...before, state } : { file, attempt, state };
        if (state === 'creating') {
          feature.lane = takeLane(lanes);
          feature.startedAt = at;
          if (this.stored) feature.logs = this.logLinks(run.runId, file, attempt);
        }
        // The run hands a container's slot on once the container has exited (see feature-machine.ts), so
        // that is where its bar ends and the next container may take its lane.
        if (SLOT_RELEASED.has(state) && feature.endedAt === undefined && feature.lane !== undefined) {
          feature.endedAt = at;
          lanes[feature.lane] = false;
        }
        this.update(run, feature);
      },
      onFeatureResult: (result) => {
        // A batch's output is logged once, as its first feature's (see LogsReporter): link to that log.
        const logs = this.stored && result.batchFirst !== undefined ? { logs: this.logLinks(run.runId, result.batchFirst, result.attempt) } : {};
        this.update(run, { ...run.features[result.file]!, ...outcomeOf(result), ...logs });
      },
      onEnd: (outcome) => {
        run.status = outcome.status;
        run.durationMs = outcome.durationMs;
        this.tell({ type: 'run', run });
      },
    };
  }

  private update(run: RunView, feature: FeatureView): void {
    run.features[feature.file] = feature;
    this.tell({ type: 'feature', runId: run.runId, feature });
  }

  private logLinks(runId: string, file: string, attempt: number): FeatureView['logs'] {
    const link = (stream: 'stdout' | 'stderr') => `/runs/${runId}/${logPath(file, attempt, stream).split(/[\\/]/).map(encodeURIComponent).join('/')}`;
    return { stdout: link('stdout'), stderr: link('stderr') };
  }

  private forgetOldRuns(): void {
    const finished = [...this.runs.values()].filter((run) => run.status !== 'running');
    for (const run of finished.slice(0, Math.max(0, finished.length - RECENT_RUNS))) this.runs.delete(run.runId);
  }

  private tell(event: BoardEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** The lowest free slot: containers that ran one after another in the same slot share a lane of the timeline. */
function takeLane(lanes: boolean[]): number {
  let lane = lanes.indexOf(false);
  if (lane === -1) lane = lanes.length;
  lanes[lane] = true;
  return lane;
}

/** A result as the page shows it: the status, and for a failure the step that failed or baleen's reason. */
function outcomeOf(result: FeatureResult): Partial<FeatureView> {
  const failure = scenariosOf(result.cucumberJson ?? []).find((scenario) => scenario.failure)?.failure;
  return {
    status: result.status,
    ...(failure ? { failingStep: failure.step } : {}),
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(result.node === undefined ? {} : { node: result.node }),
  };
}

