import type { FeatureState, FeatureStatus, RunStatus } from '../../domain/feature-run.js';

/** One container's part of a row (a feature's, or with --split scenarios a scenario's). Times are epoch milliseconds. */
export interface JobView {
  attempt: number;
  state: FeatureState;
  status?: FeatureStatus;
  error?: string;
  node?: string;
  /** The slot its container held: one lane of the timeline. */
  lane?: number;
  startedAt?: number;
  endedAt?: number;
  logs?: { stdout: string; stderr: string };
}

/** A scenario job of a split feature (--split scenarios): its own container, nested under its feature. */
export interface ScenarioView extends JobView {
  line: number;
}

/** A feature as the live page shows it (JSON over server-sent events). */
export interface FeatureView extends JobView {
  file: string;
  failingStep?: string;
  /**
   * With --split scenarios: how many scenario jobs the feature has, and those that have started, by line. The
   * feature's own state is then theirs: `running` while any of them runs, else `queued` until its result.
   */
  scenarioJobs?: number;
  scenarios?: Record<string, ScenarioView>;
}

export interface RunView {
  runId: string;
  image: string;
  status: RunStatus | 'running';
  startedAt: number;
  durationMs?: number;
  concurrency: number;
  /** The stored report's folder, with --data-dir. */
  report?: string;
  features: Record<string, FeatureView>;
}

export type BoardEvent =
  | { type: 'run'; run: RunView }
  | { type: 'feature'; runId: string; feature: FeatureView }
  | { type: 'scenario'; runId: string; file: string; scenario: ScenarioView };
