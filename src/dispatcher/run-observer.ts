import type { FeatureResult, RunStatus } from '../domain/feature-run.js';
import type { FeatureObserver } from '../attempt/job-launcher.js';

/** What a run tells whoever submitted it (the server's session turns these into protocol messages). */
export interface RunObserver extends FeatureObserver {
  /** Every attempt's result; `final` is false for an attempt that will be retried. */
  result(result: FeatureResult, final: boolean): void;
  /** The run waits for its first slot: its place in the server's line (1 = next), each time it changes. */
  waiting(place: number): void;
}

export interface RunOutput {
  status: RunStatus;
  durationMs: number;
}
