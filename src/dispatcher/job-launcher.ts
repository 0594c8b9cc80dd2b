import type { FeatureObserver } from '../actors/feature-machine.js';
import type { FeatureResult, StopReason } from '../domain/feature-run.js';
import type { RunSpec } from '../domain/run-spec.js';
import type { Job } from '../domain/job.js';

/** What a launched job tells the dispatcher. */
export interface JobEvents {
  /** Its container no longer runs (exited, failed to start, or never made): its slot may go to another job. */
  stopped(): void;
  /** Once per feature of the job, when the attempt is over and its container removed. */
  settled(result: FeatureResult): void;
}

export interface LaunchedJob {
  cancel(reason: StopReason): void;
}

/**
 * How the dispatcher runs a job it admitted: the server's launcher spawns a feature actor on the container
 * runtime (one container per job), or hands the job to one of the run's warm workers (--isolation worker). The dispatcher knows nothing of containers, the actor nothing of slots.
 */
export interface JobLauncher {
  launch(job: Job, spec: RunSpec, observer: FeatureObserver, events: JobEvents): LaunchedJob;
  /** The result of a job of one feature its run stopped before it was admitted. */
  unstarted(job: Job, spec: RunSpec, reason: StopReason): FeatureResult;
  /**
   * The run has every feature's final result and no live job: whatever the launcher keeps for the run across
   * jobs (warm workers) goes now. The run is finished once this settles; it never rejects.
   */
  runEnded(runId: string): Promise<void>;
}
