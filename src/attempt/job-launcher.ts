import type { FeatureResult, FeatureState, StopReason, StreamName } from '../domain/feature-run.js';
import type { Job } from '../domain/job.js';
import type { RunSpec } from '../domain/run-spec.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { ArtifactPiece } from '../artifacts/artifact-stream.js';

/** Who hears of an attempt as it goes: each feature's states, and its output as it arrives. */
export interface FeatureObserver {
  /**
   * `slot`: which of the server's slots the job holds (0 to capacity - 1), added by the dispatcher: the live
   * page draws a lane per slot. A container made ahead of its slot is told of only once it has one.
   */
  state(file: string, attempt: number, state: FeatureState, slot?: number): void;
  output(file: string, attempt: number, stream: StreamName, chunk: Buffer): void;
  /** A piece of a file --collect brings back, as it arrives (the result then lists the files that came whole). */
  artifact?(file: string, attempt: number, piece: ArtifactPiece): void;
}

/** What a launched job tells the dispatcher. */
export interface JobEvents {
  /** Its container no longer runs (exited, failed to start, or never made): its slot may go to another job. */
  stopped(): void;
  /**
   * Once per feature of the job, when the attempt is over and its container removed. `final`: no other attempt
   * could go otherwise (its run's warm workers cannot load the support code), so --retries makes none.
   */
  settled(result: FeatureResult, final?: boolean): void;
  /** How many jobs of its run wait for a slot now: what a warm worker is kept idle for. */
  queued(): number;
}

/** A job's container made ahead of its slot (see `JobLauncher.prepare`); the launcher that made it takes it back. */
export interface PreparedJob {
  /** The job will not run (its run stopped first): whatever was made for it goes. Never rejects. */
  discard(): Promise<void>;
}

export interface LaunchedJob {
  cancel(reason: StopReason): void;
}

/**
 * How the dispatcher runs a job it admitted: one attempt, in a container of its own (actors/) or on one of the
 * run's warm workers (worker/, --isolation worker). The dispatcher knows nothing of containers, the attempt
 * nothing of slots. The port lives here, below both, so that neither runner imports the dispatcher.
 */
export interface JobLauncher {
  /** `prepared`: what `prepare` made for this very job, if it did. */
  launch(job: Job, spec: RunSpec, observer: FeatureObserver, events: JobEvents, prepared?: PreparedJob): LaunchedJob;
  /**
   * Makes a job's container before the job has a slot (the dispatcher asks for the jobs next in line), so that
   * a slot that frees only has to start it; undefined when the launcher or its runtime cannot (a runtime whose
   * create starts what it makes; warm workers need no container per job). Nothing in it runs before `launch`.
   */
  prepare?(job: Job, spec: RunSpec): PreparedJob | undefined;
  /** The result of a job of one feature its run stopped before it was admitted. */
  unstarted(job: Job, spec: RunSpec, reason: StopReason): FeatureResult;
  /**
   * The run has every feature's final result and no live job: whatever the launcher keeps for the run across
   * jobs (warm workers) goes now. The run is finished once this settles; it never rejects.
   */
  runEnded(runId: string): Promise<void>;
}

/** What an attempt sees of its run's network. */
export interface RunNetworkView {
  name: string;
  ready: Promise<void>;
  /** Whether `ready` has settled already. */
  settled(): boolean;
}

/** What every launcher is given by the server. */
export interface LauncherContext {
  serverId: string;
  /** Who owns the containers, for the reaper: see runtime/labels.ts. */
  owner: string;
  runtime: ContainerRuntime;
  /** The network of a live run, which its containers join (see server/run-network.ts). */
  networkOf(runId: string): RunNetworkView;
}
