import type { FeatureState, FeatureStatus, RunStatus } from '../../domain/feature-run.js';

/** A feature as the live page shows it (JSON over server-sent events). Times are epoch milliseconds. */
export interface FeatureView {
  file: string;
  attempt: number;
  state: FeatureState;
  status?: FeatureStatus;
  failingStep?: string;
  error?: string;
  node?: string;
  /** The slot its container held: one lane of the timeline. */
  lane?: number;
  startedAt?: number;
  endedAt?: number;
  logs?: { stdout: string; stderr: string };
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

export type BoardEvent = { type: 'run'; run: RunView } | { type: 'feature'; runId: string; feature: FeatureView };
